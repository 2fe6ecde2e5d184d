-- SPDX-License-Identifier: BSD-2-Clause
-- Connections that end before any message (polite or abrupt) leave the
-- daemon serving; per-connection state is freed in xxfi_close.
dofile(scripts .. "/common.lua")
for i = 1, 20 do
    local c = connect()
    mt.disconnect(c, i % 2 == 0)
end
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<bob@elsewhere.test>" })
check(mt.getreply(conn) == SMFIR_ACCEPT, "daemon serving after 20 empty connections")
mt.disconnect(conn)
