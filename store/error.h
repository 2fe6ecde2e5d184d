// error.h - the typed error every store/ operation returns.
//
// Every store call returns Expected<T, StoreError>.  The code says what the
// caller can do about it; the detail is a short diagnostic (SQLite's message
// or the name of the violated limit) that is safe to log: it never holds
// message bytes, addresses or hashes.
//
//   Replay           the replay hash is already present: the message was seen.
//   NotFound         the row asked for does not exist (or is not in the state
//                    the operation needs).
//   InvalidArgument  the caller broke a documented limit or precondition
//                    (blob too large, part number out of range, ...).
//   Full             SQLITE_FULL: disk or max_page_count reached.  Transient.
//   Busy             SQLITE_BUSY/LOCKED beyond busy_timeout.         Transient.
//   ReadOnly         the file or its directory cannot be written.     Transient
//                    from the MTA's point of view (an admin fixes it).
//   Corrupt          SQLITE_CORRUPT/NOTADB or a failed quick_check.
//   Io               SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_PROTOCOL.  Transient.
//   Constraint       a schema constraint failed other than the replay key.
//   Schema           the file's user_version is newer than this program.
//   Misuse           a bug in store/ (SQLITE_MISUSE, SQLITE_RANGE, ...).
//
// transient() is true for the codes where retrying later can succeed; core
// maps those to a TempFail decision, so the sending MTA keeps the message.
#pragma once

#include <string>

namespace mixtasy::store {

struct StoreError {
    enum class Code {
        Replay,
        NotFound,
        InvalidArgument,
        Full,
        Busy,
        ReadOnly,
        Corrupt,
        Io,
        Constraint,
        Schema,
        Misuse,
    };
    Code code = Code::Misuse;
    std::string detail;

    bool transient() const noexcept {
        return code == Code::Full || code == Code::Busy || code == Code::ReadOnly ||
               code == Code::Io;
    }
};

// Stable lower-case token for logs: "replay", "not-found", "disk-full", ...
const char* to_string(StoreError::Code code) noexcept;

}  // namespace mixtasy::store
