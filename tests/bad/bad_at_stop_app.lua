scenario { name = "bad", duration = "1s", modes = { "dr" } }
function build(run)
  host("rs")
  serve("rs", { kind = "http" })
  at("1s", "stop", "rs", "proxy")
end
