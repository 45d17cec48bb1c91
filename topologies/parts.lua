-- What the topology modules share: the check of a build's keys, the
-- clients behind a router, addresses of a pool larger than one /24, and
-- the ipvsadm lines of one service with every real server.
local parts = {}

-- An unknown key stops the script at the line that called module.build.
function parts.check_keys(module, o, known)
  for k in pairs(o) do
    if not known[k] then error(("%s.build: unknown key %q"):format(module, k), 3) end
  end
end

-- The k-th address (k >= 1) of a network "A.B" counted from A.B.0.0:
-- A.B.0.k up to .254, then on through A.B.1.1 ... A.B.1.254 and so on
-- (never a .0 or .255), for a pool of any size.
function parts.addr(net, k)
  if k <= 254 then return ("%s.0.%d"):format(net, k) end
  local j = k - 255
  return ("%s.%d.%d"):format(net, 1 + j // 254, 1 + j % 254)
end

-- The prefix length that holds addresses 1..k of parts.addr: /24 while they
-- fit in one, /16 beyond.
function parts.prefix(k)
  return k <= 254 and 24 or 16
end

-- Clients up to this many get a link each to the router; more share a
-- switch, so that the router stays small.
parts.LINKED_CLIENTS = 12

-- n clients; returns their names. Up to parts.LINKED_CLIENTS, each on its
-- own link to the router (client<i> at 10.<100+i>.0.2/24, the router at
-- .1). More sit on a switch "clients" behind one router link of
-- uplink_wire (10.100.0.0/16: the router at 10.100.0.1, client<i> at
-- parts.addr("10.100", i + 1)).
function parts.clients(router_name, n, wire, uplink_wire)
  local names = {}
  if n > parts.LINKED_CLIENTS then
    switch("clients")
    addr(router_name, link(router_name, "clients", uplink_wire or wire), "10.100.0.1/16")
    for i = 1, n do
      local c = "client" .. i
      host(c)
      addr(c, link(c, "clients", wire), parts.addr("10.100", i + 1) .. "/16")
      route(c, "default", "10.100.0.1")
      names[i] = c
    end
    return names
  end
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
-- address in the mode's forwarding method (-m, -g, -i, --fullnat), with
-- weights[i] (1 without weights).
function parts.rules(vip, rips, mode, scheduler, weights)
  local lines = { ("-A -t %s:80 -s %s"):format(vip, scheduler or "wlc") }
  for i, rip in ipairs(rips) do
    lines[#lines + 1] = ("-a -t %s:80 -r %s:80 %s -w %d"):format(vip, rip, flag[mode],
                                                               weights and weights[i] or 1)
  end
  return lines
end

return parts
