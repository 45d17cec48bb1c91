-- What the topology modules share: the check of a build's keys, the
-- clients behind a router (client<i> at 10.<100+i>.0.2/24, the router at
-- .1), and the ipvsadm lines of one service with every real server.
local parts = {}

-- An unknown key stops the script at the line that called module.build.
function parts.check_keys(module, o, known)
  for k in pairs(o) do
    if not known[k] then error(("%s.build: unknown key %q"):format(module, k), 3) end
  end
end

-- n clients, each on its own link to the router; returns their names.
function parts.clients(router_name, n, wire)
  local names = {}
  for i = 1, n do
    local c = "client" .. i
    host(c)
    local c_if, r_if = link(c, router_name, wire)
    addr(c, c_if, ("10.%d.0.2/24"):format(100 + i))
    addr(router_name, r_if, ("10.%d.0.1/24"):format(100 + i))
    route(c, "default", ("10.%d.0.1"):format(100 + i))
    names[i] = c
  end
  return names
end

local flag = { nat = "-m", dr = "-g", tun = "-i", fullnat = "--fullnat" }

-- "-A" for vip:80 with the scheduler, then "-a" for each real server
-- address in the mode's forwarding method (-m, -g, -i, --fullnat).
function parts.rules(vip, rips, mode, scheduler)
  local lines = { ("-A -t %s:80 -s %s"):format(vip, scheduler or "wlc") }
  for _, rip in ipairs(rips) do
    lines[#lines + 1] = ("-a -t %s:80 -r %s:80 %s -w 1"):format(vip, rip, flag[mode])
  end
  return lines
end

return parts
