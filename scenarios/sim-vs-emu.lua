-- The fidelity check between the two worlds: the same scenario simulated
-- (lvslab run) and emulated (lvslab emu run) into one results.json.
local lan = require "lan"

local WEIGHTS = { { 1, 1, 1 }, { 3, 2, 1 } }   -- sched=1: rr; sched=2: wrr 3:2:1

scenario {
  name = "sim-vs-emu",
  description = "NAT and DR to three real servers on 50 Mbit/s links, rr and wrr 3:2:1, " ..
                "simulated and emulated side by side",
  lesson = [[
The same scenario in both worlds. The director's code is the same, so the
schedulers split the connections the same way: rr one in three each, wrr
3:2:1 in the same order, exactly, whatever the number of connections. The
links are at 50 Mbit/s: NAT carries every reply through the director's one
link, so it stays below 50 Mbit/s, while DR's replies leave on the three
servers' links, so DR goes faster in both worlds. The absolute figures differ:
the emulated real servers are python3 http.server processes and the
clients wrk, sharing the machine's cores.
]],
  duration = "3s",
  warmup = "0.5s",
  seed = 1,
  modes = { "nat", "dr" },
  sweep = { sched = { 1, 2 } },
  params = { clients = 2, users = 8 },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = 3,
    rate = "50Mbps", client_rate = "1Gbps", uplink_rate = "1Gbps", queue = 100,
  }
  local rules = lan.rules(t, run.mode, run.sched == 1 and "rr" or "wrr")
  for i, w in ipairs(WEIGHTS[run.sched]) do
    rules[i + 1] = rules[i + 1]:gsub("-w 1$", "-w " .. w)
  end
  director(t.director, { vip = t.vip, rules = rules })
  load("web", {
    kind = "http", from = t.clients, to = t.vip .. ":80",
    users = run.users, think = "0", request = "200", response = "exp(50KB)",
    keepalive = false,
  })
end
