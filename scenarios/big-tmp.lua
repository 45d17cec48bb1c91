local lan = require "lan"
scenario { name = "big", duration = "1s", warmup = "200ms", modes = { "dr" },
           params = { clients = 40, servers = 1000, users = 250 } }
function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers, rate = "10Gbps",
                        service_time = "exp(1ms)", server_cpu = { cores = 1 } }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "wlc") })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                think = "exp(100ms)", response = "exp(10KB)" })
end
