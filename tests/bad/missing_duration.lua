scenario { name = "bad", modes = { "dr" } }
function build(run) end
