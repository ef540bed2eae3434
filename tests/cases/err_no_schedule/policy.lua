local P = {}
function P.on_arival(sim, req) end
return P
