scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a")
  host("b")
  link("a", "b", { rate = "fast" })
end
