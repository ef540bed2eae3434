local P = {}
local hoard = {}
function P.schedule(sim)
  for i = 1, 1e9 do hoard[i] = string.rep("x", 4096) .. i end
end
return P
