scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a")
  drop_icmp("a", { type = 3, code = 4 })
end
