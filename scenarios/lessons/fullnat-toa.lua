-- Lesson 4: FULLNAT hides the client's address; TOA gives it back.
local routed = require "routed"

scenario {
  name = "fullnat-toa",
  description = "Which client addresses the real servers see, behind NAT and behind FULLNAT",
  lesson = [[
LVS/NAT rewrites only the destination: the real servers see each client's
own address as the source of its connections, which logs, access rules and
geo-routing rely on. FULLNAT rewrites the source too, to one of the
director's local addresses, so that replies come back to the director
without it being the servers' gateway; the servers then see a single
address for every client.

The Alibaba FULLNAT patch carries the client's address and port in a TCP
option (TOA, kind 254) on the first ACK and the first data segment; a
server with the TOA module reads it back.

- `nat`: the server sees the four clients' addresses as sources, and no
  TOA.
- `fullnat`: the server sees one source address (the director's local
  address), and the four clients' addresses in TOA.
]],
  duration = "2s",
  warmup = "0s",
  modes = { "nat", "fullnat" },
  params = { clients = 4, servers = 1, users = 2 },
}

function build(run)
  local t = routed.build { mode = run.mode, clients = run.clients, servers = run.servers }
  director(t.director, { vip = t.vip, rules = routed.rules(t, run.mode, "rr"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "10KB" })
end
