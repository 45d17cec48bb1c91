-- The benchmark of a large pool (bench/dr_pool.c): one DR director in
-- front of `servers` real servers on one 10 Gbit/s LAN, `clients` client
-- hosts behind a switch with `users` closed-loop users each (10,000 users
-- by default), exp(10KB) responses served in exp(1ms) on one core each.
local lan = require "lan"
scenario {
  name = "dr-pool", duration = "200ms", warmup = "100ms", modes = { "dr" },
  description = "1,000 DR real servers, 10,000 closed-loop users",
  params = { clients = 40, servers = 1000, users = 250 },
}
function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers, rate = "10Gbps",
                        service_time = "exp(1ms)", server_cpu = { cores = 1 } }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "wlc") })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                think = "exp(100ms)", response = "exp(10KB)" })
end
