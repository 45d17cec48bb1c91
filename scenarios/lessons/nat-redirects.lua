-- Lesson 3b: a one-armed LVS/NAT director must not send ICMP redirects.
local lan = require "lan"

scenario {
  name = "nat-redirects",
  description = "a one-armed NAT director with Linux's default send_redirects, and with it off",
  lesson = [[
In the one-armed LVS/NAT set-up the director, the router and the real
servers share one LAN, and the servers' default route is the director. A
server's reply to a client comes in on the director's LAN interface and,
once rewritten to the VIP, leaves by that same interface for the router.
Linux's forwarding code sees a packet leave by the interface it came in on,
from a source on that link, and, before the NAT hook rewrites it, sends the
source an ICMP redirect: "for this client, use the router directly"
(`send_redirects` is 1 by default).

- `redirects=1`: the servers take the redirect (a Linux host accepts them:
  `accept_redirects` 1) and install a route to each client through the
  router. Their replies then leave the real server's own address without
  passing through the director; the client never spoke to that address and
  answers with a reset. Connections stop completing a few round trips after
  the first redirects (the first ones arrive before the server has ARPed
  the router, and are passed over), and requests fail although the director
  and the servers are healthy.
- `redirects=0`: `sysctl -w net.ipv4.conf.all.send_redirects=0` (and on the
  interface) on the director, the LVS-HOWTO's advice for one-network NAT:
  every request completes.
]],
  duration = "3s",
  warmup = "0s",
  modes = { "nat" },
  sweep = { redirects = { 0, 1 } },
  params = { clients = 2, servers = 2, users = 2 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = run.servers,
                        send_redirects = run.redirects == 1 }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "rr") })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "10KB", keepalive = true, timeout = "1s", retries = 1 })
end
