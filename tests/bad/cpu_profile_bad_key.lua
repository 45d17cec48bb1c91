scenario { name = "bad", duration = "1s", modes = { "nat" } }
function build(run) host("d", { cores = 1, profile = "tests/fixtures/profiles/bad-key.conf" }) end
