local P = setmetatable({}, {__index = function(t, k) error("boom") end})
return P
