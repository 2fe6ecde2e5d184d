-- A Quarantine decision puts the message in the MTA's hold queue.
dofile(scripts .. "/common.lua")
if mode ~= "scripted" then mt.echo("quarantine: scripted node only"); return end
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
local text = read_file(mixmsg):gsub("Subject:", "X-Scripted-Decision: quarantine\r\nSubject:", 1)
local reply = send_message(conn, text)
check(reply == SMFIR_CONTINUE, "quarantined message continues, got " .. tostring(reply))
check(mt.eom_check(conn, MT_QUARANTINE), "quarantine requested")
mt.disconnect(conn)
