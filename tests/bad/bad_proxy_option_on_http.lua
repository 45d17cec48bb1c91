scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("rs")
  serve("rs", { kind = "http", upstream = { "10.0.0.11:8080" } })
end
