scenario { name = "bad", duration = "1s", modes = { "dr" } }
local lan = require "lan"
function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = 1 }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode) })
  load("web", { from = t.clients, to = t.vip .. ":80", response = "zipf(3)" })
end
