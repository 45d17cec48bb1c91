-- Several active DR directors behind one router, which spreads the VIP
-- over them by ECMP: clients reach the router; each director "d<i>" has
-- its own link to it (172.16.<i>.2/30, the router at .1) and an arm on
-- the servers' LAN (10.0.0.<1+i>/24, the router at 10.0.0.1); the VIP
-- 10.1.0.100 lies outside every subnet and the router routes it via every
-- director (route{via = {...}}), with the flow hash `hash` ("l3" or "l4").
-- The DR real servers hold the VIP on lo and answer through the router.
--
-- ecmp.build{directors=, clients=, servers=, rate=, delay=, queue=, hash=}
-- returns {clients = {names}, servers = {names}, directors = {names},
--          vip = addr, rips = {addresses}, nexthops = {the directors' addresses}}
local parts = require "parts"
local ecmp = {}

local known = { directors = true, clients = true, servers = true, rate = true, delay = true, queue = true,
                hash = true }

function ecmp.build(o)
  parts.check_keys("ecmp", o, known)
  local wire = { rate = o.rate or "1Gbps", delay = o.delay or "50us", queue = o.queue }
  local out = { clients = {}, servers = {}, directors = {}, vip = "10.1.0.100", rips = {}, nexthops = {} }
  router("router")
  switch("lan")
  addr("router", link("router", "lan", wire), "10.0.0.1/24")
  for i = 1, o.directors or 3 do
    local d = "d" .. i
    host(d)
    local d_if, r_if = link(d, "router", wire)
    addr(d, d_if, ("172.16.%d.2/30"):format(i))
    addr("router", r_if, ("172.16.%d.1/30"):format(i))
    addr(d, link(d, "lan", wire), ("10.0.0.%d/24"):format(1 + i))
    route(d, "default", ("172.16.%d.1"):format(i))
    out.directors[i], out.nexthops[i] = d, ("172.16.%d.2"):format(i)
  end
  route("router", { dst = out.vip .. "/32", via = out.nexthops, hash = o.hash or "l4" })
  out.clients = parts.clients("router", o.clients or 4, wire)
  for i = 1, o.servers or 3 do
    local s, ip = "rs" .. i, ("10.0.0.%d"):format(10 + i)
    host(s)
    addr(s, link(s, "lan", wire), ip .. "/24")
    route(s, "default", "10.0.0.1")
    realserver(s, { mode = "dr", vip = out.vip })
    out.servers[i], out.rips[i] = s, ip
  end
  return out
end

return ecmp
