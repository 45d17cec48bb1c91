-- The main job: NAT, TUN, DR and FULLNAT side by side. Clients fetch over
-- HTTP-like request/response through the VIP; the number of real servers is
-- swept so the report shows where each mode's director saturates. The
-- director's CPU charges each frame what its mode did to it, at the costs
-- measured from the director's code (profiles/director-default.conf).
local lan = require "lan"

scenario {
  name = "compare-modes",
  description = "HTTP-like load from 4 clients through one director to 1-8 real servers, " ..
                "in each forwarding mode, on 1 Gbit/s links",
  duration = "2s",
  warmup = "0.5s",
  seed = 1,
  modes = { "nat", "tun", "dr", "fullnat" },
  sweep = { servers = { 1, 2, 4, 8 } },
  params = { clients = 4, users = 32 },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = run.servers,
    rate = "1Gbps", client_rate = "10Gbps", uplink_rate = "40Gbps", delay = "50us", queue = 1000,
    director_cpu = { cores = 1, profile = "default" },
    server_cpu = { cores = 1 },
    service_time = "exp(200us)",
  }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "wlc"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", {
    kind = "http", from = t.clients, to = t.vip .. ":80",
    users = run.users, think = "0", request = "200", response = "exp(50KB)",
    keepalive = false,
  })
end
