scenario { name = "bad-director-nat-rs", duration = "1s", modes = { "nat" } }
-- a director declared a NAT real server of its own VIP: only fullnat is (directors serving their VIP themselves)
function build(run)
  host("px1")
  host("px2")
  switch("lan")
  addr("px1", link("px1", "lan"), "10.0.0.21/24")
  addr("px2", link("px2", "lan"), "10.0.0.22/24")
  director("px1", { vip = "10.0.0.100", rules = { "-A -t 10.0.0.100:80 -s rr", "-a -t 10.0.0.100:80 -r 10.0.0.22:80 -m" } })
  realserver("px1", { mode = run.mode, vip = "10.0.0.100", gateway = "10.0.0.22" })
end
