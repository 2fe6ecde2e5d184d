-- SPDX-License-Identifier: BSD-2-Clause
-- The same mix message again: the replay cache drops it, the MTA discards it.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<mallory@sender.test>", { "<" .. mixaddr .. ">" })
local reply = send_message(conn, read_file(mixmsg))
check(reply == SMFIR_DISCARD, "replayed mix mail is discarded, got " .. tostring(reply))
mt.disconnect(conn)
if mode == "scripted" then
    check(count_files(home .. "/pool", ".msg") == 1, "still one message in the pool")
end
