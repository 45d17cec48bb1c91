-- TOA for Wireshark: the TCP option 254 of length 8 that FULLNAT (Alibaba's
-- LVS patch, and lvslab) puts in a connection's first segments so the real
-- server learns the client behind the director's local address: 2 bytes of
-- the client's port, then its IPv4 address, both in network order.
-- A post-dissector: for each TCP segment whose options hold such an option
-- it adds a "TOA" tree with the client's address and port, filterable as
-- toa.addr, toa.port and toa.
-- Use: tshark -X lua_script:reports/wireshark/toa.lua -r CAPTURE -Y toa
-- or copy it into Wireshark's personal plugins folder.
local toa = Proto("toa", "TCP Option Address (TOA)")
local f_addr = ProtoField.ipv4("toa.addr", "Client address")
local f_port = ProtoField.uint16("toa.port", "Client port")
toa.fields = { f_addr, f_port }

local tcp_options = Field.new("tcp.options")

function toa.dissector(tvb, pinfo, tree)
    local opts = { tcp_options() }
    for _, fi in ipairs(opts) do
        local r = fi.range
        local i, n = 0, r:len()
        while i < n do
            local kind = r(i, 1):uint()
            if kind == 0 then break end
            if kind == 1 then
                i = i + 1
            else
                if i + 1 >= n then break end
                local len = r(i + 1, 1):uint()
                if len < 2 or i + len > n then break end
                if kind == 254 and len == 8 then
                    local t = tree:add(toa, r(i, 8))
                    t:add(f_port, r(i + 2, 2))
                    t:add(f_addr, r(i + 4, 4))
                    t:append_text(string.format(", client %s:%d", tostring(r(i + 4, 4):ipv4()), r(i + 2, 2):uint()))
                    return
                end
                i = i + len
            end
        end
    end
end

register_postdissector(toa)
