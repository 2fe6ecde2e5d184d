-- SPDX-License-Identifier: BSD-2-Clause
-- Mix mail is pooled (durably) and then discarded from the MTA's queue.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
check(mt.getreply(conn) == SMFIR_CONTINUE, "mix mail continues at DATA")
local reply = send_message(conn, read_file(mixmsg))
check(reply == SMFIR_DISCARD, "pooled mix mail is discarded, got " .. tostring(reply))
mt.disconnect(conn)
if mode == "scripted" then
    check(count_files(home .. "/pool", ".msg") == 1, "one message in the pool")
end
