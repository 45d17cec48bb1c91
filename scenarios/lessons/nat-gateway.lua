-- Lesson 3: LVS/NAT needs the director as the real servers' gateway.
local lan = require "lan"

scenario {
  name = "nat-gateway",
  description = "NAT real servers routing through the director, and around it",
  lesson = [[
In LVS/NAT the director rewrites only the destination of a request (VIP to
the real server's address); the reply must come back through it so that it
can rewrite the source back to the VIP. That only happens if the director is
the real servers' route back to the clients.

- `gateway=1`: the servers' default route is the director; every request
  completes.
- `gateway=0`: the servers' default route is the router. Replies reach the
  client from the real server's own address, which the client never spoke
  to: its stack answers them with a reset, and the connection attempt times
  out. Every request fails, although the director and the servers are
  healthy.
]],
  duration = "3s",
  warmup = "0s",
  modes = { "nat" },
  sweep = { gateway = { 0, 1 } },
  params = { clients = 2, servers = 2, users = 2 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers,
                        nat_gateway = run.gateway == 1 }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "rr") })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "10KB", timeout = "1s", retries = 1 })
end
