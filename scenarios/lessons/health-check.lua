-- Lesson 7: health-check tuning, and a flapping server.
local lan = require "lan"

scenario {
  name = "health-check",
  description = "TCP_CHECK with delay_loop 1, 3 and 6 s: rs2 dies at 4 s, comes back at 12 s, " ..
                "then flaps (down 4 s, up 4 s) from 16 s",
  lesson = [[
LVS alone keeps sending new connections to a dead real server; keepalived's
checker notices it after at most `delay_loop + (retry + 1) x
connect_timeout + retry x delay_before_retry` and removes it. Until then
every connection scheduled to it fails (here each client gives up after
1 s and tries again, twice).

- A short `delay_loop` finds the failure sooner and loses fewer requests,
  at the price of more checks on every server all the time.
- A server that comes back is put back only after a check passes, up to a
  `delay_loop` later: capacity lost for nothing.
- From 16 s rs2 flaps, down 4 s and up 4 s. With `delay_loop 1` the
  checker follows it out and in each time, a second or three late. With 3 s
  its checks happen to fall in the up phases and it never notices the
  flaps: the clients pay for them. With 6 s it reports rs2 down at 12.7 s,
  after it had already come back, and every later check lands in a down
  phase: rs2 stays out for the rest of the run although it is up half the
  time.
- An outage shorter than `(retry + 1) x connect_timeout + retry x
  delay_before_retry` can never be seen.
]],
  duration = "30s",
  warmup = "0s",
  modes = { "dr" },
  sweep = { delay_loop = { 1, 3, 6 } },
  params = { clients = 2, users = 4 },
}

function build(run)
  local t = lan.build { mode = run.mode, clients = run.clients, servers = 3 }
  director(t.director, { vip = t.vip, keepalived = ("keepalived/check-%d.conf"):format(run.delay_loop) })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "10KB", timeout = "1s", retries = 2 })
  at("4s", "fail", "rs2")
  at("12s", "recover", "rs2")
  for k = 0, 1 do
    at(("%ds"):format(16 + 8 * k), "fail", "rs2")
    at(("%ds"):format(20 + 8 * k), "recover", "rs2")
  end
end
