-- How a site grows, stage by stage, on the same clients, proxies and back
-- ends (the path in the LVS documentation and issue 21):
--   stage 1  a keepalived pair in front of an L7 proxy pair alone: VRRP puts
--            the VIP on px1, whose proxy takes every request (px2 waits);
--   stage 2  LVS NAT on the same nodes: px1 directs, spreading the
--            connections over both proxies (its own by IPVS's local-node
--            delivery), and every answer leaves through px1 again;
--   stage 3  a separate DR director in front of the proxy tier: the
--            proxies answer the clients directly.
-- Each stage's capacity is the analytic bound's; its limit (proxy CPU,
-- director NIC, director CPU, servers) is named in the report.
-- stage is numeric (a string sweep is for later); a further stage is one
-- more value and one more branch of build_stage below.
scenario {
  name = "evolution",
  description = "The HA growth path: keepalived + proxy pair, LVS NAT on the proxies, a DR director in front",
  duration = "2s",
  warmup = "1500ms",         -- stage 1's MASTER takes the VIP after one advert interval (1 s)
  modes = { "dr" },
  sweep = { stage = { 1, 2, 3 } },
  params = { clients = 4, users = 64, proxy_cost = "100us", service = "exp(300us)", keepalive = 1 },
  lesson = [[
Stage 1 is as fast as one proxy node's CPU: VRRP makes one node active, the
other idles. Stage 2 puts LVS NAT on the proxy nodes and both proxies work,
but every answer leaves through the node that directs: its NIC, carrying
all responses, is the new limit. Stage 3 takes the director off the
answers' path (DR): both proxies' CPUs count, the director's NIC carries
only requests, and the back-end servers become the limit.]],
}

local parts = require "parts"
local VIP, ROUTER_LAN = "10.0.0.100", "10.0.0.1"
local PROXIES = { px1 = "10.0.0.21", px2 = "10.0.0.22" }
local BACKENDS = { "10.0.0.11:8080", "10.0.0.12:8080", "10.0.0.13:8080", "10.0.0.14:8080" }

local function lan_link(node, ip, gateway)
  addr(node, link(node, "lan", { rate = "1Gbps", delay = "50us", queue = 1000 }), ip .. "/24")
  route(node, "default", gateway or ROUTER_LAN)
end

local function proxy(node, run)
  host(node, { cores = 1 })
  -- stage 2 (NAT): px2's answers go back through the director on px1
  lan_link(node, PROXIES[node], run.stage == 2 and node == "px2" and PROXIES.px1 or nil)
  serve(node, { kind = "proxy", port = 80, upstream = BACKENDS, balance = "least_conn", keepalive = 32,
                per_request = run.proxy_cost, per_byte = 0.5 })
end

local function build_stage(run)
  if run.stage == 1 then
    director("px1", { vip = VIP, keepalived = "keepalived/evolution-master.conf" })
    director("px2", { vip = VIP, keepalived = "keepalived/evolution-backup.conf" })
  elseif run.stage == 2 then
    -- a one-armed NAT director: no ICMP redirects (the LVS-HOWTO's advice)
    sysctl("px1", { ip_forward = true, send_redirects = false })
    director("px1", { vip = VIP, rules = {
      ("-A -t %s:80 -s rr"):format(VIP),
      ("-a -t %s:80 -r %s:80 -m"):format(VIP, PROXIES.px1),
      ("-a -t %s:80 -r %s:80 -m"):format(VIP, PROXIES.px2) } })
    realserver("px2", { mode = "nat", vip = VIP, gateway = PROXIES.px1 })
  elseif run.stage == 3 then
    host("director", { cores = 1, per_packet = "2us" })
    lan_link("director", "10.0.0.2")
    director("director", { vip = VIP, rules = parts.rules(VIP, { PROXIES.px1, PROXIES.px2 }, "dr", "rr") })
    realserver("px1", { mode = "dr", vip = VIP })
    realserver("px2", { mode = "dr", vip = VIP })
  else
    error(("stage = %s: 1, 2 or 3"):format(tostring(run.stage)), 0)
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
  load("web", { kind = "http", from = clients, to = VIP .. ":80", users = run.users, keepalive = run.keepalive == 1,
                request = "300", response = "10KB", timeout = "2s", retries = 1 })
end
