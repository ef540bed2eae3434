-- On a pool of capacity 3: every request gets a share of 1 while there is
-- room; when B arrives, A (running) grows to 2 first.
local P = {}
local grown = false

function P.schedule(sim)
  local ready = {}
  for req in sim.ready() do ready[#ready + 1] = req end
  for _, req in ipairs(ready) do
    if req.network == "B" and not grown then
      for h in sim.placed(1) do
        if h.network == "A" then sim.resize(h, 2) end
      end
      grown = true
      sim.log(string.format("A resized to 2: room %g", sim.room(1)))
    end
    if sim.room(1) >= 1 then sim.dispatch(req, { share = 1 }) end
  end
end

return P
