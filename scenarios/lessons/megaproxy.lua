-- Lesson 5: persistence behind a mega-proxy.
local lan = require "lan"

scenario {
  name = "megaproxy",
  description = "One proxy address with many users, to four real servers, with and without persistence",
  lesson = [[
Persistence (`ipvsadm -p`) sends every connection from one client address
(or `-M` network) to the real server it was first given, for as long as a
template lives. Behind a mega-proxy or a carrier-grade NAT thousands of
users share one address, so persistence pins all of them to one server.

- `persistent=0`: the proxy's 64 users spread over the four servers (`wlc`);
  Jain's index is near 1.
- `persistent=1`: `-p 300` pins the proxy's address to one server, which
  takes every request while the other three idle (Jain's index 1/4), and
  that server is the bottleneck.
]],
  duration = "3s",
  warmup = "500ms",
  modes = { "dr" },
  sweep = { persistent = { 0, 1 } },
  params = { users = 64 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = 4, client_rate = "10Gbps",
                        uplink_rate = "10Gbps", server_cpu = { cores = 1 }, service_time = "exp(100us)" }
  local rules = lan.rules(t, run.mode, "wlc")
  if run.persistent == 1 then
    rules[1] = rules[1] .. " -p 300"
  end
  director(t.director, { vip = t.vip, rules = rules })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "exp(20KB)" })
end
