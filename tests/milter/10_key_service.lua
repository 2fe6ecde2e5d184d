-- SPDX-License-Identifier: BSD-2-Clause
-- Mail to keys@<domain> (seed 004's key service) is the node's: the body
-- is transferred, the node answers, and the MTA discards the request.  The
-- {auth_authen} macro the MTA sends at MAIL reaches the node's Envelope.
dofile(scripts .. "/common.lua")
local kauth = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk="  -- 32 bytes of 0x09

local function request(auth, body)
    local conn = connect()
    if auth ~= nil then
        check(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", auth) == nil, "macro")
    end
    envelope(conn, "<alice@sender.test>", { "<keys@mix.test>" })
    local reply = send_message(conn, "Subject: key request\r\n\r\n" .. body)
    mt.disconnect(conn)
    return reply
end

local retrieval = "mixtasy@mix.test\r\n" .. kauth .. "\r\n"
check(request("alice", retrieval) == SMFIR_DISCARD, "authenticated request discarded")
check(request(nil, retrieval) == SMFIR_DISCARD, "unauthenticated request discarded")
-- A malformed request is dropped silently, also discarded.
check(request(nil, "garbage\r\n") == SMFIR_DISCARD, "malformed request discarded")

if mode == "scripted" then
    local seen = read_file(home .. "/service-auth")
    check(seen:find("auth=alice\n", 1, true) ~= nil, "the login reached the node: " .. seen)
    check(seen:find("auth=\n", 1, true) ~= nil, "no login, no authentication: " .. seen)
end

-- A mix-address Subject command is answered the same way (real node).
if mode == "real" then
    local conn = connect()
    -- Another requester: alice has had her replies for this hour.
    envelope(conn, "<carol@sender.test>", { "<" .. mixaddr .. ">" })
    local reply = send_message(conn, "Subject: remailer-key\r\n\r\n")
    check(reply == SMFIR_DISCARD, "remailer-key request discarded, got " .. tostring(reply))
    mt.disconnect(conn)
end
