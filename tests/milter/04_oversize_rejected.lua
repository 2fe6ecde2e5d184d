-- SPDX-License-Identifier: BSD-2-Clause
-- Mix mail above MaxMessageSize is rejected with a reply code (552 5.3.4)
-- while the body is still arriving.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
check(mt.header(conn, "Subject", "big") == nil, "header")
check(mt.eoh(conn) == nil, "EOH")
local big = string.rep("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n", 1000)
local reply = SMFIR_CONTINUE
local sent = 0
while reply == SMFIR_CONTINUE and sent < 400000 do
    check(mt.bodystring(conn, big) == nil, "body chunk")
    sent = sent + #big
    reply = mt.getreply(conn)
end
check(reply == SMFIR_REPLYCODE, "oversize rejected with a reply code, got " .. tostring(reply))
check(sent > 256 * 1024 and sent <= 256 * 1024 + #big, "rejected at the limit, not before or long after")
mt.disconnect(conn)
