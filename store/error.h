// SPDX-License-Identifier: BSD-2-Clause
// error.h - the typed error every store operation returns, for every engine.
//
// Every store call returns Result<T> = Expected<T, StoreError>.  The code
// says what the caller can do about it; the detail is a short diagnostic
// (the engine's message or the name of the violated limit) that is safe to
// log: it never holds message bytes, addresses or hashes.
//
//   Replay           the replay hash is already present: the message was seen.
//   NotFound         the row asked for does not exist (or is not in the state
//                    the operation needs).
//   InvalidArgument  the caller broke a documented limit or precondition
//                    (blob too large, part number out of range, ...).
//   Constraint       a schema constraint failed other than the replay key.
//   Full             disk full, or the configured size cap reached.
//   Busy             the database stayed locked beyond busy_timeout.
//   ReadOnly         the file, its directory or the database refuses writes.
//   Io               an I/O error, a file that cannot be opened, a lost
//                    connection.
//   Misuse           a bug in store/ or in the engine's use of its library.
//   Corrupt          the database is damaged (failed quick/integrity check).
//   Schema           the database's schema is newer than this program.
//
// WHAT IT GUARANTEES
//   ONE rule for what is temporary, whatever the engine:
//   - temporary() is false for Replay, NotFound, InvalidArgument and
//     Constraint: the answer is about this request, retrying it cannot help.
//   - temporary() is true for every other code: the MTA should keep the
//     message and retry later (core answers TempFail), nothing is lost.
//   - needs_admin() is true for ReadOnly, Corrupt and Schema: waiting alone
//     does not fix them, an admin must act (permissions, restore from a
//     backup, upgrade the program); the MTA still retries meanwhile.
#pragma once

#include <string>

#include "common/expected.h"

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

    // Worth retrying later: the milter answers TempFail, the MTA keeps the
    // message.
    bool temporary() const noexcept {
        return code != Code::Replay && code != Code::NotFound && code != Code::InvalidArgument &&
               code != Code::Constraint;
    }
    // Temporary for the MTA, but only an admin can end it.
    bool needs_admin() const noexcept {
        return code == Code::ReadOnly || code == Code::Corrupt || code == Code::Schema;
    }
};

template <typename T>
using Result = Expected<T, StoreError>;

// Stable lower-case token for logs: "replay", "not-found", "disk-full", ...
const char* to_string(StoreError::Code code) noexcept;

}  // namespace mixtasy::store
