scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a", { cores = 1, sped = 3 })
end
