-- Lesson 1: the DR ARP problem.
local lan = require "lan"

scenario {
  name = "dr-arp",
  description = "DR real servers with and without arp_ignore=1/arp_announce=2 on the VIP",
  lesson = [[
In LVS/DR every real server holds the VIP (on `lo`), so that it accepts the
packets the director hands it with only the MAC rewritten. Linux answers ARP
for any local address on any interface (`arp_ignore=0`), so when the router
asks who has the VIP, the real servers answer too, and the router keeps
whichever reply it took last.

- `arp_fix=0`: the router learns a real server's MAC for the VIP. Clients
  talk to that server directly: the director sees nothing, one server gets
  every request and the others none (Jain's index near 1/N).
- `arp_fix=1`: `arp_ignore=1` (answer only for addresses of the asking
  interface) and `arp_announce=2` (never announce the VIP as a source) keep
  the VIP's ARP on the director, which spreads the load.
]],
  duration = "3s",
  warmup = "500ms",
  modes = { "dr" },
  sweep = { arp_fix = { 0, 1 } },
  params = { clients = 2, servers = 3, users = 4 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers,
                        arp_fix = run.arp_fix == 1 }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "rr") })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "10KB" })
end
