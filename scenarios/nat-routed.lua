-- NAT and FULLNAT as usually drawn: the director between the public
-- network and the real servers' private one. Both modes carry every reply
-- through the director, so its NIC bounds them however many servers serve.
local routed = require "routed"

scenario {
  name = "nat-routed",
  description = "NAT and FULLNAT with the director between a public and a private subnet, 1-4 real servers",
  duration = "2s",
  warmup = "500ms",
  modes = { "nat", "fullnat" },
  sweep = { servers = { 1, 2, 4 } },
  params = { clients = 2, users = 16 },
}

function build(run)
  local t = routed.build {
    mode = run.mode, clients = run.clients, servers = run.servers, client_rate = "10Gbps",
    queue = 1000, director_cpu = { cores = 1, per_packet = "1us" }, server_cpu = { cores = 1 },
    service_time = "exp(200us)",
  }
  director(t.director, { vip = t.vip, rules = routed.rules(t, run.mode, "wlc"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "exp(50KB)" })
end
