scenario { name = "bad", duration = "1s", modes = { "dr" }, sweep = { kind = { "a b" } } }
function build(run) end
