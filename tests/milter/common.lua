-- SPDX-License-Identifier: BSD-2-Clause
-- common.lua - helpers for the mixtasy-milter miltertest scenarios.
-- Globals from the driver (-D): socket, home, mixmsg, mode ("scripted"|"real").

function check(cond, what)
    if not cond then error("FAILED: " .. what) end
end

function connect()
    local conn = mt.connect(socket, 20, 0.25)
    check(conn ~= nil, "connect to " .. socket)
    return conn
end

function envelope(conn, from, rcpts)
    check(mt.mailfrom(conn, from) == nil, "MAIL FROM")
    check(mt.getreply(conn) == SMFIR_CONTINUE, "MAIL FROM continues")
    for _, r in ipairs(rcpts) do
        check(mt.rcptto(conn, r) == nil, "RCPT TO " .. r)
        check(mt.getreply(conn) == SMFIR_CONTINUE, "RCPT " .. r .. " continues")
    end
    check(mt.data(conn) == nil, "DATA")
end

function read_file(path)
    local f = io.open(path, "rb")
    check(f ~= nil, "open " .. path)
    local text = f:read("a")
    f:close()
    return text
end

-- Sends a whole RFC 5322 message (CRLF or LF) as header fields, EOH and
-- body chunks, the way an MTA hands it to a milter.
function send_message(conn, text)
    local sep_start, sep_end = text:find("\r?\n\r?\n")
    check(sep_start ~= nil, "message has a header/body separator")
    local head = text:sub(1, sep_start - 1)
    local body = text:sub(sep_end + 1)
    local fields = {}
    for line in (head .. "\n"):gmatch("(.-)\r?\n") do
        if line:match("^[ \t]") and #fields > 0 then
            fields[#fields].value = fields[#fields].value .. "\r\n" .. line
        else
            local name, value = line:match("^([^:]+):[ \t]*(.*)$")
            check(name ~= nil, "header line: " .. line)
            fields[#fields + 1] = { name = name, value = value }
        end
    end
    for _, f in ipairs(fields) do
        check(mt.header(conn, f.name, f.value) == nil, "header " .. f.name)
        local reply = mt.getreply(conn)
        if reply ~= SMFIR_CONTINUE then return reply end
    end
    check(mt.eoh(conn) == nil, "EOH")
    local chunk = 60000
    for i = 1, #body, chunk do
        check(mt.bodystring(conn, body:sub(i, i + chunk - 1)) == nil, "body chunk")
        local reply = mt.getreply(conn)
        if reply ~= SMFIR_CONTINUE then return reply end
    end
    check(mt.eom(conn) == nil, "EOM")
    return mt.getreply(conn)
end

function count_files(dir, suffix)
    local n = 0
    local p = io.popen("ls -1 '" .. dir .. "' 2>/dev/null")
    for name in p:lines() do
        if suffix == nil or name:sub(-#suffix) == suffix then n = n + 1 end
    end
    p:close()
    return n
end
