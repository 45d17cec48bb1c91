scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("px")
  serve("px", { kind = "proxy", upstream = { "10.0.0.11:8080" }, per_request = "50us" })
end
