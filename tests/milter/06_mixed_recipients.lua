-- SPDX-License-Identifier: BSD-2-Clause
-- Mix and ordinary recipients: the mix recipient is deleted, the message
-- goes on to the others, a copy is processed.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<bob@elsewhere.test>", "<" .. mixaddr .. ">" })
check(mt.getreply(conn) == SMFIR_CONTINUE, "mixed mail continues at DATA")
local text = read_file(mixmsg):gsub("Subject:", "X-Variant: mixed\r\nSubject:", 1)
local reply = send_message(conn, text)
check(reply == SMFIR_CONTINUE, "mixed mail continues to the others, got " .. tostring(reply))
check(mt.eom_check(conn, MT_RCPTDELETE, "<" .. mixaddr .. ">"), "mix recipient deleted")
mt.disconnect(conn)
