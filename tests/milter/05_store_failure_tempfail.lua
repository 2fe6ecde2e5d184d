-- The store fails: the message is tempfailed (451 4.3.0), nothing is lost.
dofile(scripts .. "/common.lua")
if mode ~= "scripted" then mt.echo("store failure injection: scripted node only"); return end
local marker = home .. "/fail-store"
local f = io.open(marker, "w"); f:close()
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
local text = read_file(mixmsg):gsub("Subject:", "X-Variant: store-failure\r\nSubject:", 1)
local reply = send_message(conn, text)
os.remove(marker)
check(reply == SMFIR_REPLYCODE, "tempfail carries a 451 reply code, got " .. tostring(reply))
-- After recovery the same message is taken.
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
reply = send_message(conn, text)
check(reply == SMFIR_DISCARD, "retried message pooled, got " .. tostring(reply))
mt.disconnect(conn)
