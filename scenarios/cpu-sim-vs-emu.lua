-- The director's CPU per packet in both worlds: the same load simulated
-- with a cost profile and emulated (the director's own CPU time), in each
-- mode. tests/cpu_sim_vs_emu.sh calibrates the emulated director's I/O
-- from one and checks the other within 15%.
local lan = require "lan"

scenario {
  name = "cpu-sim-vs-emu",
  description = "HTTP through one director to three real servers on 50 Mbit/s links, in each mode; " ..
                "the director's CPU charged by a cost profile",
  duration = "6s",
  warmup = "0.5s",
  seed = 1,
  modes = { "nat", "tun", "dr", "fullnat" },
  params = { clients = 2, users = 8, profile = "default" },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = 3,
    rate = "50Mbps", client_rate = "1Gbps", uplink_rate = "1Gbps", queue = 100,
    director_cpu = { cores = 1, profile = run.profile },
  }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "rr"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", {
    kind = "http", from = t.clients, to = t.vip .. ":80",
    users = run.users, think = "0", request = "200", response = "exp(50KB)",
    keepalive = false,
  })
end
