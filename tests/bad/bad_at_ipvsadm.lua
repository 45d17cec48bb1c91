scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a")
  at("1s", "ipvsadm", "-A -t 10.0.0.100 -s rr")
end
