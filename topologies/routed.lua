-- Two subnets with the director between them, as LVS/NAT is usually drawn:
-- clients reach a public network (10.1.0.0/24) through a router; the
-- director has a port on it (holding the VIP) and a port on the private
-- network of the real servers (10.2.0.0/24), and forwards between them.
-- Only NAT and FULLNAT make sense here: the servers are not on the
-- director's L2 segment (no DR) and have no route to the clients but the
-- director (no TUN).
--   nat      real servers route everything through the director
--   fullnat  real servers answer the director's private local address
--
-- routed.build{mode=, clients=, servers=, rate=, delay=, client_rate=, queue=,
--              director_cpu={...}, server_cpu={...}, service_time=}
-- returns {clients = {names}, servers = {names}, director = name, vip = addr,
--          laddrs = {the director's private address}}
local parts = require "parts"
local routed = {}

local VIP = "10.1.0.100"
local ROUTER, DIRECTOR_PUBLIC, DIRECTOR_PRIVATE = "10.1.0.1", "10.1.0.2", "10.2.0.1"

local known = { mode = true, clients = true, servers = true, rate = true, delay = true,
                client_rate = true, queue = true, director_cpu = true, server_cpu = true,
                service_time = true, client_uplink_rate = true }

function routed.build(o)
  parts.check_keys("routed", o, known)
  if o.mode ~= "nat" and o.mode ~= "fullnat" then
    error(("routed.build: mode %q needs the servers on the director's LAN or routes of their own; " ..
           "use lan.lua (dr, tun) or wan.lua (tun)"):format(tostring(o.mode)), 2)
  end
  local rate, delay = o.rate or "1Gbps", o.delay or "50us"
  local function wire(r) return { rate = r, delay = delay, queue = o.queue } end
  local out = { clients = {}, servers = {}, director = "director", vip = VIP,
                laddrs = { DIRECTOR_PRIVATE } }

  router("router")
  switch("public")
  switch("private")
  addr("router", link("router", "public", wire(rate)), ROUTER .. "/24")

  host("director", o.director_cpu)
  addr("director", link("director", "public", wire(rate)), DIRECTOR_PUBLIC .. "/24")
  local nservers = o.servers or 4
  local plen = "/" .. parts.prefix(10 + nservers)   -- the private side: any number of servers
  addr("director", link("director", "private", wire(rate)), DIRECTOR_PRIVATE .. plen)
  route("director", "default", ROUTER)
  sysctl("director", { ip_forward = true })

  out.clients = parts.clients("router", o.clients or 4, wire(o.client_rate or rate),
                              wire(o.client_uplink_rate or "100Gbps"))

  for i = 1, nservers do
    local s = "rs" .. i
    host(s, o.server_cpu)
    addr(s, link(s, "private", wire(rate)), parts.addr("10.2", 10 + i) .. plen)
    route(s, "default", DIRECTOR_PRIVATE)
    if o.mode == "nat" then
      realserver(s, { mode = "nat", vip = VIP, gateway = DIRECTOR_PRIVATE })
    else
      realserver(s, { mode = "fullnat", vip = VIP })
    end
    serve(s, { kind = "http", port = 80, service_time = o.service_time or "0" })
    out.servers[i] = s
  end
  return out
end

-- The ipvsadm lines for a service on the VIP with every real server.
function routed.rules(t, mode, scheduler)
  local rips = {}
  for i = 1, #t.servers do rips[i] = parts.addr("10.2", 10 + i) end
  return parts.rules(t.vip, rips, mode, scheduler)
end

return routed
