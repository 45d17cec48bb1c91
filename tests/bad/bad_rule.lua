scenario { name = "bad", duration = "1s", modes = { "dr" } }
local lan = require "lan"
function build(run)
  local t = lan.build { mode = run.mode, clients = 1, servers = 1 }
  director(t.director, { vip = t.vip, rules = { "-A -t 10.0.0.100:80 -s nosuch" } })
end
