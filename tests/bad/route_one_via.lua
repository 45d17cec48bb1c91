scenario { name = "bad-route-one-via", duration = "1s", modes = { "dr" } }
function build(run)
  router("r")
  host("h")
  addr("h", link("h", "r"), "10.0.0.2/24")
  route("r", { dst = "10.1.0.100/32", via = { "10.0.0.2" }, hash = "l4" })
end
