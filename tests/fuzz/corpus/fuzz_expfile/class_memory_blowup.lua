local unit = string.rep("x", 1 << 16)
local ok = pcall(string.rep, unit, 1 << 14)
local t = {}
for i = 1, 1 << 24 do t[i] = i end
return { grid = {}, fixed = {} }
