-- One TCP download over one shaped link, for the sim-vs-emu TCP check
-- (scripts/tcp-validate.sh runs the same path with Linux's TCP); the download
-- lasts the run (--set duration=20s for a longer one).
scenario {
  name = "tcp-download",
  description = "one bulk download from a server to a client over one link of the given rate, RTT and loss",
  duration = "5s",
  warmup = "0s",
  seed = 1,
  modes = { "dr" },
  params = { rate_mbps = 100, rtt_ms = 10, loss_pct = 0, queue = 100 },
}

function build(run)
  host("client")
  host("server")
  local wire = { rate = run.rate_mbps .. "Mbps", delay = (run.rtt_ms / 2) .. "ms",
                 loss = run.loss_pct / 100, queue = run.queue }
  local c_if, s_if = link("client", "server", wire)
  addr("client", c_if, "10.9.0.1/24")
  addr("server", s_if, "10.9.0.2/24")
  serve("server", { kind = "bulk", port = 5201 })
  load("download", { kind = "download", from = { "client" }, to = "10.9.0.2:5201", response = "100GB",
                     stop = ("%.0fms"):format((run.warmup + run.duration) * 1e3) })
end
