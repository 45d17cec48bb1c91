-- The first sweep value builds, the second does not: the second run is
-- reported before the first is simulated, and nothing is written.
local lan = require "lan"
scenario { name = "bad-second-run", duration = "2ms", warmup = "1ms", modes = { "nat" }, sweep = { servers = { 1, 2 } } }
function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = run.servers }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode) })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = 1 })
  if run.servers == 2 then
    link(t.director, "nowhere")
  end
end
