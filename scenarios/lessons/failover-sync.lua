-- Lesson 8: director failover with and without connection sync. Two DR
-- directors under VRRP; each client downloads 400 MB through the VIP. At
-- 2 s the master dies; the backup takes the VIP within the master-down
-- interval. With keepalived's lvs_sync_daemon the backup already holds
-- every connection (IPVS sync, 224.0.0.81:8848) and the downloads go on;
-- without it, the backup has never seen them: the next segment reaches a
-- director with no entry, and its own stack, now holding the VIP, resets
-- the connection.
local lan = require "lan"

scenario {
  name = "failover-sync",
  description = "Downloads through a DR director that dies at 2 s, with and without IPVS connection sync",
  duration = "10s",
  warmup = "0s",
  modes = { "dr" },
  sweep = { sync = { 0, 1 } },
  params = { clients = 2, bytes = "400MB" },
}

function build(run)
  local t = lan.build {
    mode = run.mode, clients = run.clients, servers = 2, backup_director = true,
    client_rate = "10Gbps", uplink_rate = "10Gbps", queue = 1000,
  }
  for _, s in ipairs(t.servers) do
    serve(s, { kind = "bulk", port = 5201 })
  end
  local conf = run.sync == 1 and "sync" or "nosync"
  director("director", { vip = t.vip, keepalived = "keepalived/" .. conf .. "-master.conf" })
  director("director2", { vip = t.vip, keepalived = "keepalived/" .. conf .. "-backup.conf" })
  load("download", { kind = "download", from = t.clients, to = t.vip .. ":5201", response = run.bytes,
                     start = "1500ms" })
  at("2s", "fail", "director")
end
