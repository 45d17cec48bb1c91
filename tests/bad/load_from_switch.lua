scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  switch("sw")
  host("a")
  addr("a", link("a", "sw"), "10.0.0.1/24")
  load("web", { from = { "sw" }, to = "10.0.0.1:80" })
end
