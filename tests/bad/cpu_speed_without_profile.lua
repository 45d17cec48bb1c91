scenario { name = "bad", duration = "1s", modes = { "nat" } }
function build(run) host("d", { cores = 1, per_packet = "1us", speed = 2 }) end
