-- A sweep of two parameters whose very last run does not build: it is
-- reported before the first run is simulated, and nothing is written.
local lan = require "lan"
scenario { name = "bad-last-run", duration = "2ms", warmup = "1ms", modes = { "dr", "nat" },
           sweep = { servers = { 1, 2 }, sched = { "rr", "wlc" } } }
function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = run.servers }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, run.sched) })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = 1 })
  if run.mode == "nat" and run.sched == "wlc" and run.servers == 2 then
    link(t.director, "nowhere")
  end
end
