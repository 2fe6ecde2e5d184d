-- SPDX-License-Identifier: BSD-2-Clause
-- A Quarantine decision puts the message in the MTA's hold queue.
-- Scripted node: a test header asks for it.  Real node: plain mail to the
-- mix address (no Remailer-Type, no armor, no remailer-* command) is
-- quarantined; an admin command and a mix message that fails a check are
-- destroyed (seed 000 6.4), never held.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
local text
if mode == "scripted" then
    text = read_file(mixmsg):gsub("Subject:", "X-Scripted-Decision: quarantine\r\nSubject:", 1)
else
    text = "From: alice@sender.test\r\nTo: " .. mixaddr .. "\r\nSubject: hello mix\r\n\r\n" ..
           "Is this the remailer?\r\n"
end
local reply = send_message(conn, text)
check(reply == SMFIR_CONTINUE, "quarantined message continues, got " .. tostring(reply))
check(mt.eom_check(conn, MT_QUARANTINE), "quarantine requested")
if mode ~= "scripted" then
    envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
    reply = send_message(conn, "Subject: remailer-help\r\n\r\n")
    check(reply == SMFIR_DISCARD, "admin command destroyed for now, got " .. tostring(reply))
    check(not mt.eom_check(conn, MT_QUARANTINE), "admin command not quarantined")
    -- A tampered mix message: one body byte flipped.
    local mix = read_file(mixmsg)
    local at = mix:find("\r\n\r\n", 1, true) + 200
    local tampered = mix:sub(1, at - 1) .. (mix:sub(at, at) == "A" and "B" or "A") .. mix:sub(at + 1)
    envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
    reply = send_message(conn, tampered)
    check(reply == SMFIR_DISCARD, "tampered mix message destroyed, got " .. tostring(reply))
    check(not mt.eom_check(conn, MT_QUARANTINE), "tampered mix message not quarantined")
end
mt.disconnect(conn)
