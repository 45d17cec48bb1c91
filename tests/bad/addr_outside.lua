scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a")
  host("b")
  local x, y = link("a", "b")
  addr("a", x, "10.0.0.1/24")
  addr("b", y, "10.0.1.1/24")
end
