-- One switched LAN behind a router: clients reach the VIP through the
-- router; the director and the real servers share the LAN (and so an L2
-- segment, as DR needs). The same wiring serves all four modes; what differs
-- is each real server's set-up:
--   nat      default route via the director (one-armed NAT), which forwards
--   dr       VIP on lo, arp_ignore=1 / arp_announce=2, default route via the router
--   tun      VIP on tunl0, default route via the router
--   fullnat  nothing special: replies go to the director's local address
--
-- lan.build{mode=, clients=, servers=, rate=, delay=, client_rate=, uplink_rate=,
--           queue=, backup_director=, arp_fix=, nat_gateway=, send_redirects=,
--           director_cpu={...},
--           server_cpu={...}, service_time=, service_times={...}}
-- rate is the director's and the servers' links, client_rate the clients'
-- and uplink_rate the router's link to the LAN (each defaults to rate);
-- queue is every NIC's transmit queue in packets. backup_director = true
-- adds "director2" (10.0.0.3) on the LAN beside the first, for a VRRP pair
-- (DR and TUN: NAT servers would route through one of them only).
-- arp_fix = false leaves DR servers answering ARP for the VIP (the ARP
-- problem); nat_gateway = false routes NAT servers via the router instead
-- of the director (replies go around it). Both default to true.
-- The NAT director is one-armed (the replies leave by the interface they
-- came in on), so it runs with send_redirects = 0, as the LVS-HOWTO says:
-- send_redirects = true keeps Linux's default, and its ICMP redirects send
-- the servers' replies around it (lessons/nat-redirects.lua).
-- service_times gives each server its own service time (unequal servers);
-- service_time is every server's otherwise.
-- Any number of clients and servers: more than parts.LINKED_CLIENTS
-- clients share a switch behind one router link of client_uplink_rate
-- (default 100Gbps, so that it never binds); server i is at
-- 10.0.0.<10+i> (past the VIP, .101 on), and beyond one /24 on through
-- 10.0.1.1 and so on, the whole LAN then a /16.
-- returns {clients = {names}, servers = {names}, director = name, vip = addr,
--          laddrs = {the director's LAN address, FULLNAT's local address},
--          directors = {names}}
local parts = require "parts"
local lan = {}

local VIP = "10.0.0.100"
local ROUTER_LAN, DIRECTOR = "10.0.0.1", "10.0.0.2"

local known = { mode = true, clients = true, servers = true, rate = true, delay = true,
                client_rate = true, uplink_rate = true, queue = true, backup_director = true,
                arp_fix = true, nat_gateway = true, client_uplink_rate = true,
                send_redirects = true,
                director_cpu = true,
                server_cpu = true, service_time = true, service_times = true }

-- Server i's address: 10.0.0.<10+i>, the VIP's .100 skipped.
local function server_ip(i)
  local k = 10 + i
  if k >= 100 then k = k + 1 end
  return parts.addr("10.0", k)
end

function lan.build(o)
  parts.check_keys("lan", o, known)
  local nservers = o.servers or 4
  local plen = "/" .. parts.prefix(10 + nservers + 1)
  local rate, delay = o.rate or "1Gbps", o.delay or "50us"
  local function wire(r) return { rate = r, delay = delay, queue = o.queue } end
  local out = { clients = {}, servers = {}, director = "director", vip = VIP, laddrs = { DIRECTOR },
                directors = { "director" } }
  if o.backup_director and (o.mode == "nat" or o.mode == "fullnat") then
    error(("lan.build: a backup director is for dr and tun, not %s"):format(o.mode), 2)
  end

  router("router")
  switch("lan")
  local r_lan = link("router", "lan", wire(o.uplink_rate or rate))
  addr("router", r_lan, ROUTER_LAN .. plen)

  host("director", o.director_cpu)
  local d_if = link("director", "lan", wire(rate))
  addr("director", d_if, DIRECTOR .. plen)
  route("director", "default", ROUTER_LAN)
  if o.mode == "nat" then
    -- NAT replies pass through it, out by the interface they came in on
    sysctl("director", { ip_forward = true, send_redirects = o.send_redirects == true })
  end
  if o.backup_director then
    host("director2", o.director_cpu)
    addr("director2", link("director2", "lan", wire(rate)), "10.0.0.3" .. plen)
    route("director2", "default", ROUTER_LAN)
    out.directors[2] = "director2"
  end

  out.clients = parts.clients("router", o.clients or 4, wire(o.client_rate or rate),
                              wire(o.client_uplink_rate or "100Gbps"))

  out.rips = {}
  for i = 1, nservers do
    local s = "rs" .. i
    local ip = server_ip(i)
    out.rips[i] = ip
    host(s, o.server_cpu)
    local s_if = link(s, "lan", wire(rate))
    addr(s, s_if, ip .. plen)
    local mode = o.mode
    if mode == "nat" then
      route(s, "default", o.nat_gateway == false and ROUTER_LAN or DIRECTOR)
      realserver(s, { mode = "nat", vip = VIP, gateway = DIRECTOR })
    else
      route(s, "default", ROUTER_LAN)
      realserver(s, { mode = mode, vip = VIP, arp_fix = o.arp_fix ~= false })
    end
    local service = o.service_times and o.service_times[i] or o.service_time or "0"
    serve(s, { kind = "http", port = 80, service_time = service })
    out.servers[i] = s
  end
  return out
end

-- The ipvsadm lines for a service on the VIP with every real server in the
-- run's mode (-m NAT, -g DR, -i TUN, --fullnat FULLNAT); weights[i], when
-- given, is server i's weight (1 otherwise).
function lan.rules(t, mode, scheduler, weights)
  local rips = {}
  for i = 1, #t.servers do rips[i] = server_ip(i) end
  return parts.rules(t.vip, rips, mode, scheduler, weights)
end

return lan
