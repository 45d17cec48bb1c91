-- Two sites joined by a WAN link: the clients and the director in site A,
-- the real servers in site B's data centre. The director reaches them over
-- the WAN; the servers answer the clients straight back over it. LVS/TUN is
-- the mode made for this (the servers hold the VIP on tunl0 and decapsulate
-- the director's IP-in-IP); FULLNAT works too (replies go back to the
-- director's local address, then on to the clients).
--
-- wan.build{mode=, clients=, servers=, rate=, wan_rate=, wan_delay=, delay=,
--           queue=, director_cpu={...}, server_cpu={...}, service_time=}
-- returns {clients = {names}, servers = {names}, director = name, vip = addr,
--          laddrs = {the director's address}}
local parts = require "parts"
local wan = {}

local VIP = "10.10.0.100"
local ROUTER_A, DIRECTOR, ROUTER_B = "10.10.0.1", "10.10.0.2", "10.20.0.1"

local known = { mode = true, clients = true, servers = true, rate = true, wan_rate = true,
                wan_delay = true, delay = true, queue = true, director_cpu = true,
                server_cpu = true, service_time = true, client_uplink_rate = true }

function wan.build(o)
  parts.check_keys("wan", o, known)
  if o.mode ~= "tun" and o.mode ~= "fullnat" then
    error(("wan.build: mode %q cannot reach servers across a WAN; use tun or fullnat")
          :format(tostring(o.mode)), 2)
  end
  local rate, delay = o.rate or "1Gbps", o.delay or "50us"
  local function wire(r, d) return { rate = r, delay = d or delay, queue = o.queue } end
  local out = { clients = {}, servers = {}, director = "director", vip = VIP, laddrs = { DIRECTOR } }

  router("router_a")
  router("router_b")
  switch("site_a")
  switch("site_b")
  local a_wan, b_wan = link("router_a", "router_b", wire(o.wan_rate or "100Mbps", o.wan_delay or "10ms"))
  addr("router_a", a_wan, "192.168.255.1/30")
  addr("router_b", b_wan, "192.168.255.2/30")
  addr("router_a", link("router_a", "site_a", wire(rate)), ROUTER_A .. "/24")
  local nservers = o.servers or 2
  local plen = parts.prefix(10 + nservers)   -- site B: any number of servers
  addr("router_b", link("router_b", "site_b", wire(rate)), ("%s/%d"):format(ROUTER_B, plen))
  route("router_a", ("10.20.0.0/%d"):format(plen), "192.168.255.2")
  route("router_b", "default", "192.168.255.1")

  host("director", o.director_cpu)
  addr("director", link("director", "site_a", wire(rate)), DIRECTOR .. "/24")
  route("director", "default", ROUTER_A)

  out.clients = parts.clients("router_a", o.clients or 2, wire(rate), wire(o.client_uplink_rate or "100Gbps"))

  for i = 1, nservers do
    local s = "rs" .. i
    host(s, o.server_cpu)
    addr(s, link(s, "site_b", wire(rate)), ("%s/%d"):format(parts.addr("10.20", 10 + i), plen))
    route(s, "default", ROUTER_B)
    realserver(s, { mode = o.mode, vip = VIP })
    serve(s, { kind = "http", port = 80, service_time = o.service_time or "0" })
    out.servers[i] = s
  end
  return out
end

-- The ipvsadm lines for a service on the VIP with every real server.
function wan.rules(t, mode, scheduler)
  local rips = {}
  for i = 1, #t.servers do rips[i] = parts.addr("10.20", 10 + i) end
  return parts.rules(t.vip, rips, mode, scheduler)
end

return wan
