local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  if sim.now() > 0 then
    return r.missing_field
  end
  return r
end
return P
