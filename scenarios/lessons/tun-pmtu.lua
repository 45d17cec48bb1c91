-- Lesson 2: the TUN path-MTU black hole.
local lan = require "lan"

scenario {
  name = "tun-pmtu",
  description = "Large requests through a TUN director, with and without a firewall dropping ICMP fragmentation-needed",
  lesson = [[
LVS/TUN puts each client packet inside a new IPv4 header (20 bytes) on its
way to the real server. A full-size client segment (1500 bytes with the
Don't Fragment bit, as Linux sends TCP) no longer fits a 1500-byte link: the
director drops it and answers ICMP fragmentation-needed (MTU 1480), and the
client's path-MTU discovery sends smaller segments from then on.

- `blocked=0`: the ICMP reaches the client; after one lost segment per
  connection every large request goes through.
- `blocked=1`: a firewall on the router drops ICMP fragmentation-needed
  (`drop_icmp("router", {type = 3, code = 4})`), a common "security"
  setting. The client never learns, retransmits the same full-size segment
  until it gives up: the handshake and small packets pass, every large
  request hangs and fails. That is a path-MTU black hole.

The cures: let ICMP type 3 code 4 through, clamp the MSS on the path, or
give the tunnel path a larger MTU.
]],
  duration = "4s",
  warmup = "0s",
  modes = { "tun" },
  sweep = { blocked = { 0, 1 } },
  params = { clients = 2, users = 2 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = 2 }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "rr") })
  if run.blocked == 1 then
    drop_icmp("router", { type = 3, code = 4 })
  end
  load("upload", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                   request = "64KB", response = "200", timeout = "1s", retries = 1 })
end
