-- Space sharing on one pool of cores: a ready request takes every free core
-- (at least 2); when none are free, the widest holder shrinks to 2 at its
-- next layer boundary; when a request completes, the others grow into the
-- cores it freed. `show` prints sim.versions of each request placed;
-- `version` is the compiled version asked for (0: the device's choice).
local P = { params = { show = false, version = 0 } }
function P.schedule(sim)
  local r = sim.best("fifo")
  if not r then return end
  local room = sim.room(1)
  if room >= 2 then
    if P.params.show then
      for _, v in ipairs(sim.versions(r)) do
        print(v.id, v.name, v.isolated_ns, v.llc_bytes, v.bw)
      end
    end
    print(sim.now(), "dispatch", r.id, room)
    sim.dispatch(r, {share = room, version = P.params.version})
  else
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
      print(sim.now(), "grow", h.id, h.share + room)
      sim.resize(h, h.share + room, P.params.version)
    end
  end
end
return P
