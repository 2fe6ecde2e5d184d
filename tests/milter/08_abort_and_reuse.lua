-- SPDX-License-Identifier: BSD-2-Clause
-- An aborted transaction leaves nothing behind; the connection carries on.
dofile(scripts .. "/common.lua")
local conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
check(mt.header(conn, "Subject", "aborted") == nil, "header")
check(mt.abort(conn) == nil, "abort")
envelope(conn, "<alice@sender.test>", { "<bob@elsewhere.test>" })
check(mt.getreply(conn) == SMFIR_ACCEPT, "next ordinary message accepted at DATA")
mt.disconnect(conn)
-- An abrupt disconnect in the middle of a mix message.
conn = connect()
envelope(conn, "<alice@sender.test>", { "<" .. mixaddr .. ">" })
check(mt.header(conn, "Subject", "cut") == nil, "header")
mt.disconnect(conn, false)
-- The daemon is still there.
conn = connect()
envelope(conn, "<alice@sender.test>", { "<bob@elsewhere.test>" })
check(mt.getreply(conn) == SMFIR_ACCEPT, "daemon alive after an abrupt disconnect")
mt.disconnect(conn)
