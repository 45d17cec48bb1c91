scenario { name = "bad", duration = "1s", modes = { "nat" } }
function build(run) host("d", { cores = 1, profile = "default", per_packet = "1us" }) end
