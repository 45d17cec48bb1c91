scenario { name = "bad", duration = "1s", modes = { "dr", "snat" } }
function build(run) end
