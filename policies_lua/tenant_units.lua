-- tenant_units — a module: every tenant on its own unit, one request at a time.
--
-- For policies that give every tenant its own unit (a CUDA stream, a time-sliced context, an MPS client: docs/gpu_model.md,
-- "Sharing") and run each tenant's requests one at a time, in arrival
-- order: a tenant is then a task that runs its iterations back to back, a
-- closed loop with no think time when its requests all arrive at once.
--
--   local T = require("tenant_units")
--   local st = T.new()
--   T.arrive(st, sim, req)      -- in on_arrival: the tenant's unit, at first sight
--   T.done(st, req)             -- in on_complete
--   for _, h in ipairs(T.heads(st, sim)) do ... h.req, h.unit, h.tenant ... end
--   T.hold(st, h)               -- after placing h.req: it stays the tenant's head
--
-- Units are given in order of first arrival (trace order at a tie): unit 1
-- to the first tenant, and so on; more tenants than units is an error. A
-- tenant's head is the request it has started and not finished (placed, or
-- stopped part-way), else its earliest ready request.

local T = {}

function T.new()
  return { unit = {}, tenant_of = {}, n = 0, cur = {} }
end

function T.arrive(st, sim, req)
  local t = req.tenant
  if st.unit[t] then return st.unit[t] end
  st.n = st.n + 1
  if st.n > sim.units() then
    error(string.format("tenant '%s' is the %d-th tenant, but the device has %d unit(s): give "
                        .. "every tenant its own (--device-param units=K)", t, st.n, sim.units()))
  end
  st.unit[t] = st.n
  st.tenant_of[st.n] = t
  return st.n
end

function T.done(st, req)
  if st.cur[req.tenant] == req then st.cur[req.tenant] = nil end
end

function T.hold(st, h)
  st.cur[h.tenant] = h.req
end

-- Every tenant's head, by unit.
function T.heads(st, sim)
  local first = {}
  for req in sim.ready() do
    local t = req.tenant
    if not first[t] and not st.cur[t] then first[t] = req end
  end
  local list = {}
  for u = 1, st.n do
    local t = st.tenant_of[u]
    local r = st.cur[t] or first[t]
    if r then list[#list + 1] = { tenant = t, unit = u, req = r } end
  end
  return list
end

return T
