scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("a"
end
