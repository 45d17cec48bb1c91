-- A two-armed LVS-NAT pair: clients reach the external LAN (10.0.0.0/24)
-- through a router; "director" (10.0.0.2, 192.168.1.2) and "director2"
-- (10.0.0.3, 192.168.1.3) stand on it and on the internal LAN
-- (192.168.1.0/24) where the real servers are. keepalived on the two moves
-- the VIP (10.0.0.100, eth0) and, for the servers, a floating gateway
-- (192.168.1.254, eth1).
--
-- nat_pair.build{clients=, servers=, rate=, delay=, queue=, floating_gateway=}
-- floating_gateway = true (the default) routes the servers via
-- 192.168.1.254, which follows the master; false via the first director's
-- own 192.168.1.2, which dies with it.
-- returns {clients = {names}, servers = {names}, directors = {names},
--          vip = addr, gateway = the servers' gateway, rips = {addresses}}
local parts = require "parts"
local nat_pair = {}

local known = { clients = true, servers = true, rate = true, delay = true, queue = true,
                floating_gateway = true }

function nat_pair.build(o)
  parts.check_keys("nat_pair", o, known)
  local wire = { rate = o.rate or "1Gbps", delay = o.delay or "50us", queue = o.queue }
  local gateway = o.floating_gateway == false and "192.168.1.2" or "192.168.1.254"
  local out = { clients = {}, servers = {}, directors = { "director", "director2" }, vip = "10.0.0.100",
                gateway = gateway, rips = {} }

  router("router")
  switch("ext")
  switch("int")
  addr("router", link("router", "ext", wire), "10.0.0.1/24")
  for i, d in ipairs(out.directors) do
    host(d)
    addr(d, link(d, "ext", wire), ("10.0.0.%d/24"):format(1 + i))      -- eth0
    addr(d, link(d, "int", wire), ("192.168.1.%d/24"):format(1 + i))   -- eth1
    route(d, "default", "10.0.0.1")
    sysctl(d, { ip_forward = true })
  end
  out.clients = parts.clients("router", o.clients or 2, wire)
  for i = 1, o.servers or 2 do
    local s, ip = "rs" .. i, ("192.168.1.%d"):format(10 + i)
    host(s)
    addr(s, link(s, "int", wire), ip .. "/24")
    route(s, "default", gateway)
    realserver(s, { mode = "nat", vip = out.vip, gateway = gateway })
    out.servers[i], out.rips[i] = s, ip
  end
  return out
end

return nat_pair
