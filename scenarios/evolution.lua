-- How a site grows, stage by stage, on the same clients, proxies and back
-- ends (the path in the LVS documentation and issue 21):
--   stage 1  a keepalived pair in front of an L7 proxy pair alone: VRRP puts
--            the VIP on px1, whose proxy takes every request (px2 waits);
--   stage 2  LVS FULLNAT on the same nodes, a keepalived pair: VRRP
--            puts the VIP on px1, which spreads the connections over both
--            proxies (its own by IPVS's local-node delivery, px2's answering
--            to px1's address, its FULLNAT local address), and every answer
--            leaves through px1 again; px2 runs the same virtual_server
--            and takes over (FULLNAT needs no floating gateway);
--   stage 3  a separate DR director in front of the proxy tier, with a
--            VRRP backup and connection sync: the proxies answer the
--            clients directly;
--   stage 4  the director scaled out: three active DR directors behind the
--            router's ECMP route (an L4 hash), each scheduling by Maglev
--            hashing (mh, with the client's port) so that they agree, and
--            syncing connections among themselves.
-- Each stage's capacity is measured over `duration` after the warm-up and
-- set against the analytic bound, whose limit (proxy CPU, director NIC,
-- director CPU, servers) the report names. Then, for `after`, the active
-- node fails (stage 1 px1, stage 2 px1, stage 3 the director, stage 4 d3,
-- which the router's routing daemon withdraws 300 ms later, as BFD's
-- 3 x 100 ms would): the report charts what each stage loses meanwhile
-- (requests failed, the longest time without a completion).
-- --set after=0 leaves the failure out (and stage 3's backup director:
-- lvslab emu run needs it so).
scenario {
  name = "evolution",
  description = "The HA growth path: keepalived + proxy pair, LVS FULLNAT on the proxies, a DR director in front, "
                .. "ECMP over active directors; capacity, then a failover",
  duration = "2s",
  warmup = "1500ms",         -- stage 1's MASTER takes the VIP after an advert interval, the caches fill
  after = "2500ms",          -- the active node fails when the measured window ends
  modes = { "dr" },
  sweep = { stage = { 1, 2, 3, 4 } },
  params = { clients = 4, users = 64, proxy_cost = "100us", service = "exp(250us)", director_cost = "18us",
             keepalive = 1 },
  lesson = [[
Stage 1 is as fast as one proxy node's CPU: VRRP makes one node active, the
other idles. Stage 2 puts LVS (FULLNAT) on the proxy nodes and both proxies
work, but every answer leaves through the node that directs: its NIC,
carrying all responses, is the new limit. Stage 3 takes the director off the
answers' path (DR): the director's NIC carries only requests, and its CPU,
handling every packet from the clients, is the limit. Stage 4 spreads the
clients over three directors by ECMP: the back-end servers are the limit.

When the active node fails, stages 1 to 3 are down until VRRP's backup
takes the VIP (3 adverts and the skew) and the clients' TCP retransmits
find it: the connections held by the dead proxy are lost (stage 1), and
in stage 2 also those px1 passed on to px2, which answered to px1's own
address (FULLNAT connections are not synced, and the local address does
not float); px2's health checks have taken px1 out of its pool by then.
Those only passing through the dead director carry on from the synced
entries (stage 3). In stage 4 the other directors keep serving while the
router still hashes some flows to the dead one; once it withdraws the
route, those flows land on directors that hold their synced entries, and
mh would have picked the same proxy anyway.]],
}

local parts = require "parts"
local VIP, ROUTER_LAN = "10.0.0.100", "10.0.0.1"
-- stage 4's VIP lies outside the LAN: the router routes it to the directors
local ROUTED_VIP = "10.1.0.100"
local PROXIES = { px1 = "10.0.0.21", px2 = "10.0.0.22" }
local BACKENDS = { "10.0.0.11:8080", "10.0.0.12:8080", "10.0.0.13:8080", "10.0.0.14:8080" }
local DIRECTORS = { "10.0.0.2", "10.0.0.3", "10.0.0.4" }

local function lan_link(node, ip, gateway)
  addr(node, link(node, "lan", { rate = "1Gbps", delay = "50us", queue = 1000 }), ip .. "/24")
  route(node, "default", gateway or ROUTER_LAN)
end

local function proxy(node, run)
  host(node, { cores = 1 })
  lan_link(node, PROXIES[node])
  serve(node, { kind = "proxy", port = 80, upstream = BACKENDS, balance = "least_conn", keepalive = 32,
                per_request = run.proxy_cost, per_byte = 0.5 })
end

local function director_host(node, ip, run)
  host(node, { cores = 1, per_packet = run.director_cost })
  lan_link(node, ip)
end

local function vip_of(run) return run.stage == 4 and ROUTED_VIP or VIP end

-- What fails when the measured window ends (nothing without `after`).
local function failover(run, node, withdraw)
  if run.after <= 0 then return end
  local t = (run.warmup + run.duration) * 1000
  at(("%gms"):format(t), "fail", node)
  if withdraw then
    at(("%gms"):format(t + 300), "route", "router", { dst = ROUTED_VIP .. "/32", via = withdraw, hash = "l4" })
  end
end

local function build_stage(run)
  if run.stage == 1 then
    director("px1", { vip = VIP, keepalived = "keepalived/evolution-master.conf" })
    director("px2", { vip = VIP, keepalived = "keepalived/evolution-backup.conf" })
    failover(run, "px1")
  elseif run.stage == 2 then
    -- FULLNAT on both proxy nodes, a keepalived pair: VRRP puts the VIP on
    -- one, which spreads the connections over both proxies (its own by
    -- local-node delivery); the other proxy answers to the director's own
    -- address (its local address), so nothing needs a floating gateway
    for _, d in ipairs({ { "px1", "master" }, { "px2", "backup" } }) do
      local node, role = d[1], d[2]
      director(node, { vip = VIP, keepalived = ("keepalived/evolution-fnat-%s.conf"):format(role),
                       laddrs = { PROXIES[node] } })
      realserver(node, { mode = "fullnat", vip = VIP })
    end
    failover(run, "px1")
  elseif run.stage == 3 then
    director_host("director", DIRECTORS[1], run)
    realserver("px1", { mode = "dr", vip = VIP })
    realserver("px2", { mode = "dr", vip = VIP })
    if run.after <= 0 then
      director("director", { vip = VIP, rules = parts.rules(VIP, { PROXIES.px1, PROXIES.px2 }, "dr", "rr") })
      return
    end
    director_host("director2", DIRECTORS[2], run)
    director("director", { vip = VIP, keepalived = "keepalived/evolution-dr-master.conf" })
    director("director2", { vip = VIP, keepalived = "keepalived/evolution-dr-backup.conf" })
    failover(run, "director")
  elseif run.stage == 4 then
    for i, ip in ipairs(DIRECTORS) do
      director_host("d" .. i, ip, run)
      local rules = { ("-A -t %s:80 -s mh -b mh-port"):format(ROUTED_VIP) }
      for _, px in ipairs({ PROXIES.px1, PROXIES.px2 }) do
        rules[#rules + 1] = ("-a -t %s:80 -r %s:80 -g -w 1"):format(ROUTED_VIP, px)
      end
      director("d" .. i, { vip = ROUTED_VIP, rules = rules, sync = "eth0" })
    end
    route("router", { dst = ROUTED_VIP .. "/32", via = DIRECTORS, hash = "l4" })
    realserver("px1", { mode = "dr", vip = ROUTED_VIP })
    realserver("px2", { mode = "dr", vip = ROUTED_VIP })
    failover(run, "d3", { DIRECTORS[1], DIRECTORS[2] })
  else
    error(("stage = %s: 1, 2, 3 or 4"):format(tostring(run.stage)), 0)
  end
end

function build(run)
  router("router")
  switch("lan")
  addr("router", link("router", "lan", { rate = "10Gbps", delay = "50us", queue = 1000 }), ROUTER_LAN .. "/24")
  local clients = parts.clients("router", run.clients, { rate = "10Gbps", delay = "50us", queue = 1000 })
  proxy("px1", run)
  proxy("px2", run)
  for i, hp in ipairs(BACKENDS) do
    local s = "rs" .. i
    host(s, { cores = 1 })
    lan_link(s, hp:match("^[^:]+"))
    serve(s, { kind = "http", port = 8080, service_time = run.service })
  end
  build_stage(run)
  -- keepalive = 0 for lvslab emu run (python's http.server closes each connection)
  load("web", { kind = "http", from = clients, to = vip_of(run) .. ":80", users = run.users, keepalive = run.keepalive == 1,
                request = "300", response = "10KB", timeout = "2s", retries = 1 })
end
