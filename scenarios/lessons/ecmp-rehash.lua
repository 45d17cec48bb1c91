-- Lesson 12: a director leaves an ECMP group; sh against mh.
local ecmp = require "ecmp"

scenario {
  name = "ecmp-rehash",
  description = "Three active DR directors behind an ECMP route; one leaves at 2 s: sh against mh",
  lesson = [[
Three directors hold the same VIP and a router spreads the flows over them
by ECMP (an L4 hash, `fib_multipath_hash_policy` 1, and Linux's
hash-threshold choice of next hop). At 2 s the router's route loses d3 (a
routing daemon withdrawing it). Hash-threshold splits the hash space into
one range per live next hop, so with three ranges becoming two, not only
d3's flows move: the part of d2's range that d1 now covers moves too. Half
of the established connections arrive at a director that has never seen
them. No connection sync runs here; each director creates a connection
from a mid-stream packet (`sloppy_tcp`), and what survives depends on
whether the new director picks the same real server as the old one did.
The directors' real-server lists are the same servers in different orders
(as after servers are added or re-added one director at a time).

- `mh=0` (sh): source hashing fills its 256 buckets in list order; in another
  order every bucket maps to another server. Every moved connection lands
  on a server that never saw it and is reset.
- `mh=1` (mh): Maglev hashing places each server by its own address, so the
  lookup tables agree but for a few contested slots; almost every moved
  connection reaches its server again and goes on.

With `--set sync=1` every director runs IPVS connection sync as master and
backup on the servers' LAN: a moved connection finds the entry another
director synced, whatever the scheduler, and sh loses nothing either.
]],
  duration = "6s",
  warmup = "0s",
  modes = { "dr" },
  sweep = { mh = { 0, 1 } },
  params = { clients = 8, streams = 4, bytes = "8MB", sync = 0 },
}

function build(run)
  local t = ecmp.build { clients = run.clients, servers = 3, hash = "l4", queue = 1000 }
  for _, s in ipairs(t.servers) do
    serve(s, { kind = "bulk", port = 5201 })
  end
  local sched = run.mh == 1 and "mh" or "sh"
  for i, d in ipairs(t.directors) do
    local rules = { ("-A -t %s:5201 -s %s"):format(t.vip, sched) }
    for k = 0, #t.rips - 1 do                     -- each director's list rotated by one
      local rip = t.rips[(i - 1 + k) % #t.rips + 1]
      rules[#rules + 1] = ("-a -t %s:5201 -r %s:5201 -g -w 1"):format(t.vip, rip)
    end
    director(d, { vip = t.vip, rules = rules, sloppy_tcp = true, sync = run.sync == 1 and "eth1" or "" })
  end
  load("download", { kind = "download", from = t.clients, to = t.vip .. ":5201", response = run.bytes,
                     users = run.streams, start = "500ms", stop = "5800ms" })
  at("2s", "route", "router", { dst = t.vip .. "/32", via = { t.nexthops[1], t.nexthops[2] }, hash = "l4" })
end
