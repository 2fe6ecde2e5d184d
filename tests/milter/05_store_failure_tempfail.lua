-- SPDX-License-Identifier: BSD-2-Clause
-- The store fails: the message is tempfailed (451 4.3.0), nothing is lost.
-- Scripted node: a marker file makes its store fail.  Real node: another
-- process holds the database's write lock past the store's busy_timeout.
dofile(scripts .. "/common.lua")
local marker = home .. "/fail-store"
local text
if mode == "scripted" then
    local f = io.open(marker, "w"); f:close()
    text = read_file(mixmsg):gsub("Subject:", "X-Variant: store-failure\r\nSubject:", 1)
else
    -- A message of its own: the shared one is already in the replay cache.
    text = read_file(mixmsg_store)
    os.execute("python3 '" .. scripts .. "/hold_db_lock.py' '" .. home .. "/node.db' '" ..
               marker .. "' &")
    for _ = 1, 100 do
        local held = io.open(marker, "r")
        if held then held:close(); break end
        mt.sleep(0.1)
    end
    check(io.open(marker, "r") ~= nil, "the database lock is held")
    mt.set_timeout(30)  -- the node waits out its busy_timeout first
end
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
local reply = send_message(conn, text)
os.remove(marker)
check(reply == SMFIR_REPLYCODE, "tempfail carries a 451 reply code, got " .. tostring(reply))
-- After recovery the same message is taken.
if mode ~= "scripted" then mt.sleep(0.5) end  -- the lock holder lets go
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
reply = send_message(conn, text)
check(reply == SMFIR_DISCARD, "retried message pooled, got " .. tostring(reply))
mt.disconnect(conn)
