-- LVS/TUN across data centres: the director in site A, the real servers in
-- site B behind a 100 Mbit/s, 10 ms WAN link. TUN sends the clients'
-- packets over the WAN in IP-in-IP and the servers answer the clients
-- straight back; FULLNAT beside it brings every reply back through the
-- director first, so the director's NIC carries the replies too.
local wan = require "wan"

scenario {
  name = "tun-wan",
  description = "TUN and FULLNAT to real servers in another data centre over a 100 Mbit/s, 10 ms WAN",
  duration = "3s",
  warmup = "1s",
  modes = { "tun", "fullnat" },
  params = { clients = 2, servers = 2, users = 8 },
}

function build(run)
  local t = wan.build {
    mode = run.mode, clients = run.clients, servers = run.servers, queue = 1000,
    server_cpu = { cores = 1 }, service_time = "exp(200us)",
  }
  director(t.director, { vip = t.vip, rules = wan.rules(t, run.mode, "wlc"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "exp(20KB)", keepalive = true })
end
