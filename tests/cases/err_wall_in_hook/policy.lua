-- Comparing two equal 8 MB strings is one instruction that does 8 MB of
-- work in C: the instruction budget cannot see it, the wall-clock backstop
-- (here --max-wall) does.
local P = {}
function P.schedule(sim)
  local a = string.rep("x", 8000000) .. "a"
  local b = string.rep("x", 8000000) .. "a"
  local n = 0
  while true do
    if a == b then n = n + 1 end
  end
end
return P
