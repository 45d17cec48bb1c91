-- Two schedulers crossed with two pool sizes, in DR and NAT: 40 clients of
-- closed-loop users fetch exp(20KB) from a pool of unequal servers (every
-- third server three times as fast and weighted 3, the next 2, the next 1).
-- A sweep of names (sched) and of numbers (servers) at once: 8 runs, and a
-- report whose charts put servers on the x-axis with a series per mode and
-- scheduler.
local lan = require "lan"
scenario {
  name = "sched-servers",
  description = "rr against wlc on 30 and 120 unequal servers, DR and NAT, 40 clients",
  duration = "2s", warmup = "500ms", modes = { "dr", "nat" },
  sweep = { sched = { "rr", "wlc" }, servers = { 30, 120 } },
  params = { clients = 40, users = 10 },
}

function build(run)
  local weights, service = {}, {}
  for i = 1, run.servers do
    weights[i] = 3 - (i - 1) % 3                      -- 3, 2, 1, 3, 2, 1, ...
    service[i] = ("exp(%gms)"):format(3 / weights[i])  -- 1 ms, 1.5 ms, 3 ms
  end
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers, rate = "10Gbps",
                        client_rate = "1Gbps", service_times = service, server_cpu = { cores = 1 } }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, run.sched, weights) })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                think = "exp(10ms)", response = "exp(20KB)" })
end
