-- Lesson 9: scheduler choice when the real servers are not equal.
local lan = require "lan"

local schedulers = { "rr", "wlc", "sed" }

scenario {
  name = "schedulers",
  description = "rr, wlc and sed over three servers of equal weight, one of them four times slower",
  lesson = [[
The weights say the three real servers are equal, but rs3 takes four times
as long per request (exp(800us) against exp(200us)). Open-loop clients ask
for 3600 requests a second, within what the three can serve together.

- `sched=1` (rr) hands rs3 a third of the requests, 96% of what it can
  serve: its queue grows long, and its requests make the tail latency.
- `sched=2` (wlc) counts active connections: rs3's pile up, so it gets
  fewer new ones and the tail shrinks.
- `sched=3` (sed) also counts the connection being scheduled, `(active + 1)
  / weight`, which favours an idle server over a busy one and does better
  still at low load.

Weights that match the servers' capacity (`-w`) would serve all three.
]],
  duration = "4s",
  warmup = "1s",
  modes = { "dr" },
  sweep = { sched = { 1, 2, 3 } },
  params = { clients = 2, rate = 1800 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = 3, server_cpu = { cores = 1 },
                        service_times = { "exp(200us)", "exp(200us)", "exp(800us)" } }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, schedulers[run.sched]) })
  load("web", { kind = "http-open", from = t.clients, to = t.vip .. ":80", rate = run.rate,
                request = "200", response = "4KB" })
end
