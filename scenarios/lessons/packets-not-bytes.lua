-- Lesson 11: a director saturates on packets, not bytes.
local lan = require "lan"

scenario {
  name = "packets-not-bytes",
  description = "Small requests against large downloads through one director whose CPU costs what each mode " ..
                "does to each packet (the calibrated profile), in each mode",
  lesson = [[
A director's CPU works per packet: taking the frame in, looking up its
connection, rewriting or encapsulating it, sending it on. The bytes behind
the headers cost it almost nothing (it never reads a payload: no mode
recomputes a full checksum). So the same director that carries large
downloads at its NIC's line rate with CPU to spare runs out of CPU under
small requests, at a small fraction of that rate in bits.

The director's CPU here charges each frame the operations done to it at the
costs `lvslab calibrate` measured from lvslab's own director code
(`profile = "default"`), with `speed = 0.01`: a core a hundred times slower than
that code on the reference machine, so that it saturates at loads the
simulation runs quickly (the kernel's per-packet overheads, interrupts and
socket buffers, make a real director's packet far dearer than lvslab's; the
ratios between the operations are the measured ones).

- `large=1`: clients download 1 MB responses. NAT and FULLNAT stop at the
  director's 1 Gbit/s NIC (every reply crosses it) and DR and TUN at the
  servers' links; the director's CPU stays well below saturation.
- `large=0`: small requests and responses (HTTP headers alone, about 150 bytes). The director's CPU
  is the bottleneck in every mode, at a few Mbit/s.

Which mode saturates first: FULLNAT, then NAT, then TUN, then DR. NAT and
FULLNAT carry both directions through the director (twice the packets per
request of DR and TUN), and FULLNAT's replies cost two lookups (the
client-side table misses first) and a double rewrite; TUN builds an outer
header where DR only rewrites a MAC. The "Director CPU by operation" table
shows where the time went, and how many packets per second a core handles
at each mode's mix: the same whatever the packets' size.
]],
  duration = "0.3s",
  warmup = "0.2s",
  seed = 1,
  modes = { "nat", "tun", "dr", "fullnat" },
  sweep = { large = { 0, 1 } },
  params = { clients = 4 },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = 4,
    rate = "1Gbps", client_rate = "10Gbps", uplink_rate = "40Gbps", delay = "20us", queue = 1000,
    director_cpu = { cores = 1, profile = "default", speed = 0.01 },
  }
  director(t.director, { vip = t.vip, rules = lan.rules(t, run.mode, "wlc"),
                        laddrs = run.mode == "fullnat" and t.laddrs or nil })
  load("web", {
    kind = "http", from = t.clients, to = t.vip .. ":80", think = "0", keepalive = true,
    users = run.large == 1 and 4 or 64, request = "100",
    response = run.large == 1 and "1MB" or "100",
  })
end
