-- What keepalived adds to LVS, and what clients lose meanwhile: two DR
-- directors share the VIP under VRRP, each health-checking three real
-- servers with TCP_CHECK (scenarios/keepalived/). At 4 s rs2 dies: until
-- its checks fail, the directors still send it new connections, which
-- fail. At 10 s the master director dies: for the master-down interval
-- (3 x advert_int + skew) nobody answers for the VIP; then the backup
-- takes it, announces it with gratuitous ARPs, and serves. --set sync=1
-- adds keepalived's lvs_sync_daemon (IPVS connection sync): the backup
-- then carries on the connections the master had.
local lan = require "lan"

scenario {
  name = "failover",
  description = "Two DR directors under VRRP with TCP_CHECK health checks: a real server dies at 4 s, " ..
                "the master director at 10 s",
  duration = "16s",
  warmup = "0s",
  modes = { "dr" },
  params = { clients = 2, servers = 3, users = 8, sync = 0 },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = run.servers, backup_director = true,
    client_rate = "10Gbps", uplink_rate = "10Gbps", queue = 1000, server_cpu = { cores = 1 },
    service_time = "exp(200us)",
  }
  if run.sync ~= 0 and run.sync ~= 1 then
    error(("sync = %s: 0 (no connection sync) or 1"):format(tostring(run.sync)), 0)
  end
  local conf = run.sync == 1 and "failover-sync" or "failover"
  director("director", { vip = t.vip, keepalived = "keepalived/" .. conf .. "-master.conf" })
  director("director2", { vip = t.vip, keepalived = "keepalived/" .. conf .. "-backup.conf" })
  load("web", { kind = "http", from = t.clients, to = t.vip .. ":80", users = run.users,
                request = "200", response = "exp(20KB)", timeout = "2s", retries = 3 })
  at("4s", "fail", "rs2")
  at("10s", "fail", "director")
end
