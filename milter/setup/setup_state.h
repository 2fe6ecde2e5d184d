// SPDX-License-Identifier: BSD-2-Clause
// setup_state.h - what `mixtasy-milter setup` added, so that `--undo`
// removes exactly that.
//
// One change a line, fields separated by TAB:
//   set     NAME  EXPLICIT(0|1)  OLD  NEW   main.cf NAME was OLD (explicit in
//                                           main.cf or a default), setup made it NEW
//   append  NAME  EXPLICIT(0|1)  ITEM       ITEM appended to the list NAME
//   prepend NAME  EXPLICIT(0|1)  ITEM       ITEM put first in the list NAME
//   master  SERVICE/TYPE                    master.cf entry added
//   option  SERVICE/TYPE  NAME  EXPLICIT(0|1)  OLD  NEW
//                                           master.cf option -o NAME of the service
//                                           was OLD (set, or not), setup made it NEW
//   mcblock PATH                            marked block added to sendmail.mc
//   cf      PATH  BACKUP                    sendmail.cf rebuilt; BACKUP holds the old one
//   dir     PATH                            directory created (removed if empty)
//   file    PATH                            file created (removed)
// Guarantees: written to a temporary file, fsync'ed and renamed, mode 0600;
// a change is recorded only after the command that made it succeeded.
// Refuses: a field holding TAB, CR or LF (at record time), a file over
// kMaxStateBytes or a line of an unknown kind or field count (at load).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/expected.h"

namespace mixtasy::milter::setup {

inline constexpr std::size_t kMaxStateBytes = 1024 * 1024;

struct Change {
    std::string kind;
    std::vector<std::string> fields;
};

class SetupState {
public:
    static Expected<SetupState, std::string> load(const std::string& path);  // missing file: empty
    Expected<void, std::string> record(Change change);  // appended and saved at once
    Expected<void, std::string> save() const;
    Expected<void, std::string> remove() const;  // the file, after a complete undo

    const std::vector<Change>& changes() const { return changes_; }
    const std::string& path() const { return path_; }
    bool has(const std::string& kind, const std::string& first) const;

private:
    std::string path_;
    std::vector<Change> changes_;
};

}  // namespace mixtasy::milter::setup
