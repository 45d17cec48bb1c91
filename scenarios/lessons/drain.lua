-- Lesson 6: taking a real server out by weight 0 (draining) or by removal.
local lan = require "lan"

scenario {
  name = "drain",
  description = "Long downloads from two real servers; at 1 s rs1 is set to weight 0, or deleted",
  lesson = [[
Two ways to take a real server out of service with ipvsadm:

- `action=0`, `ipvsadm -e ... -w 0`: the server is quiescent. The
  scheduler gives it no new connections, but established ones keep their
  entry and their server: the downloads on rs1 finish.
- `action=1`, `ipvsadm -d ...`: the server is deleted. Its connections keep
  an entry bound to a dest that is no longer available; with the default
  `expire_nodest_conn=0` the director drops their packets until the entry
  expires, so every download on rs1 stalls and fails; new connections still
  go to rs2. (`expire_nodest_conn=1` would expire the entry at the next
  packet instead.)
]],
  duration = "6s",
  warmup = "0s",
  modes = { "dr" },
  sweep = { action = { 0, 1 } },
  params = { clients = 2, streams = 2 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = 2, client_rate = "10Gbps",
                        uplink_rate = "10Gbps", queue = 1000 }
  for _, s in ipairs(t.servers) do
    serve(s, { kind = "bulk", port = 5201 })
  end
  director(t.director, { vip = t.vip, rules = {
    "-A -t " .. t.vip .. ":5201 -s rr",
    "-a -t " .. t.vip .. ":5201 -r 10.0.0.11:5201 -g -w 1",
    "-a -t " .. t.vip .. ":5201 -r 10.0.0.12:5201 -g -w 1",
  } })
  load("download", { kind = "download", from = t.clients, to = t.vip .. ":5201", users = run.streams,
                     response = "300MB", stop = "6s" })
  if run.action == 0 then
    at("1s", "ipvsadm", "-e -t " .. t.vip .. ":5201 -r 10.0.0.11:5201 -g -w 0")
  else
    at("1s", "ipvsadm", "-d -t " .. t.vip .. ":5201 -r 10.0.0.11:5201")
  end
end
