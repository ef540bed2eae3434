-- Block dispatches (docs/concurrency.md, "Demand"): every request asks for
-- all 4 cores (want = 4) and takes what is free, at least 2; with fewer free
-- it waits (a drain placement that states its want: a conflict), and the
-- widest holder shrinks to 2 (a resize without want: it still wants 4).
-- A completion grows the others into the freed cores.
local P = {}
function P.schedule(sim)
  local r = sim.best("fifo")
  if not r then return end
  local room = sim.room(1)
  if room >= 2 then
    print(sim.now(), "dispatch", r.id, math.min(room, 4))
    sim.dispatch(r, {share = math.min(room, 4), want = 4})
  else
    print(sim.now(), "wait", r.id)
    sim.dispatch(r, {share = 4, want = 4, mech = "drain"})
    for h in sim.placed(1) do
      if h.share > 2 then
        print(sim.now(), "shrink", h.id, 2)
        sim.resize(h, 2)
      end
    end
  end
end
function P.on_complete(sim, req)
  print(sim.now(), "done", req.id)
  for h in sim.placed(1) do
    local room = sim.room(1)
    if room > 0 then
      print(sim.now(), "grow", h.id, h.share + room, h.want)
      sim.resize(h, h.share + room)
    end
  end
end
return P
