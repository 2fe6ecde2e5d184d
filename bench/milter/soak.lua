-- SPDX-License-Identifier: BSD-2-Clause
-- soak.lua - many messages over a few connections: mix (pooled, then
-- replayed), ordinary, oversize and aborted ones.  Globals: socket, count.
local n = tonumber(count)
local body = string.rep("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", 480)
local conn = mt.connect(socket, 20, 0.25)
for i = 1, n do
    if i % 500 == 0 then mt.disconnect(conn); conn = mt.connect(socket, 20, 0.25) end
    mt.mailfrom(conn, "<s@outside.test>")
    local kind = i % 4
    if kind == 0 then
        mt.rcptto(conn, "<bob@elsewhere.test>")
        mt.data(conn)
    else
        mt.rcptto(conn, "<mixtasy@mix.test>")
        mt.data(conn)
        mt.header(conn, "Subject", "soak " .. (i % 1000))  -- repeats: replays
        if kind == 3 then
            mt.abort(conn)
        else
            mt.eoh(conn)
            mt.bodystring(conn, body)
            mt.eom(conn)
        end
    end
end
mt.disconnect(conn)
