// SPDX-License-Identifier: BSD-2-Clause
// sendmail_setup.h - the Sendmail half of `mixtasy-milter setup`: the lines
// of conf/sendmail.mc.snippet added to sendmail.mc between two marker
// lines, and sendmail.cf rebuilt with m4.
//
// Guarantees: the block goes before the first MAILER( line (m4 needs the
// filter and daemon options before the mailers), or at the end; a
// sendmail.mc that holds the markers already is left alone (idempotent);
// sendmail.cf is written only after m4 succeeded, the old one kept as the
// state's backup so that --undo restores it byte for byte.
// Refuses: a snippet over kMaxSnippetBytes, a sendmail.mc with a begin
// marker and no end marker.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"
#include "milter/setup/setup_state.h"

namespace mixtasy::milter::setup {

inline constexpr std::string_view kMcBegin = "dnl BEGIN mixtasy-milter setup (mixtasy-milter setup --undo removes it)";
inline constexpr std::string_view kMcEnd = "dnl END mixtasy-milter setup";

// sendmail.mc `mc` with the snippet's block added (unchanged if present).
Expected<std::string, std::string> mc_with_block(std::string_view mc, std::string_view snippet);
// sendmail.mc `mc` without the block.
Expected<std::string, std::string> mc_without_block(std::string_view mc);

struct SendmailPaths {
    std::string mc;      // .../sendmail.mc
    std::string cf;      // .../sendmail.cf
    std::string backup;  // where the old sendmail.cf is kept (state dir)
};

Expected<void, std::string> apply_sendmail(const SendmailPaths& paths, std::string_view snippet,
                                           SetupState& state);
Expected<void, std::string> undo_sendmail(const SendmailPaths& paths, const SetupState& state);

// Text file helpers shared by setup (bounded read, atomic write).
Expected<std::string, std::string> read_text_file(const std::string& path, std::size_t limit);
Expected<void, std::string> write_text_file(const std::string& path, std::string_view text, unsigned mode);

}  // namespace mixtasy::milter::setup
