-- Lesson 11: an LVS-NAT pair that survives its master, or not.
local nat_pair = require "nat_pair"

scenario {
  name = "nat-pair",
  description = "Downloads through a NAT director pair whose master dies at 2 s, the servers' gateway floating or not",
  lesson = [[
In LVS/NAT the replies must come back through the director that holds the
connection, so the real servers' default route points at it. With two
directors under keepalived, that gateway has to move with the VIP: a second
VRRP instance on the internal side holds a floating gateway address, and a
`vrrp_sync_group` makes both instances change state together. Both runs
sync IPVS connections (`lvs_sync_daemon`) to the backup.

- `floating=1`: the servers' gateway is 192.168.1.254, which the backup
  takes with the VIP (and announces by gratuitous ARP). The backup already
  holds every connection through sync, so the replies are rewritten as
  before: every download completes.
- `floating=0`: the servers' gateway is the master's own 192.168.1.2. The
  backup takes the VIP and forwards the requests, but every reply goes to
  the dead master: every download in flight fails, and so does every new
  connection, although the backup is healthy and holds the connections.
]],
  duration = "8s",
  warmup = "0s",
  modes = { "nat" },
  sweep = { floating = { 0, 1 } },
  params = { clients = 2, bytes = "100MB" },
}

function build(run)
  local t = nat_pair.build { clients = run.clients, servers = 2, floating_gateway = run.floating == 1,
                             queue = 1000 }
  for _, s in ipairs(t.servers) do
    serve(s, { kind = "bulk", port = 5201 })
  end
  director("director", { vip = t.vip, keepalived = "keepalived/nat-pair-master.conf" })
  director("director2", { vip = t.vip, keepalived = "keepalived/nat-pair-backup.conf" })
  load("download", { kind = "download", from = t.clients, to = t.vip .. ":5201", response = run.bytes, stop = "7s",
                     start = "1500ms" })
  at("2s", "fail", "director")
end
