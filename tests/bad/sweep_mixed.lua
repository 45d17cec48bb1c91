scenario { name = "bad", duration = "1s", modes = { "dr" }, sweep = { sched = { "rr", 2 } } }
function build(run) end
