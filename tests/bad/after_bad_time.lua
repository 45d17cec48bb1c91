scenario { name = "bad", duration = "1s", after = "soon", modes = { "dr" } }
function build(run) end
