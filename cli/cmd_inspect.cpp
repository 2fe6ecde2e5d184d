// SPDX-License-Identifier: BSD-2-Clause
// mixtasy inspect - list the OpenPGP packets of a message or key.
//
//   mixtasy inspect [FILE]      (standard input when FILE is absent or "-")
//
// Takes bare OpenPGP (armored or binary: a key, a layer) or a whole mix
// message as it travels (mail header, then the armored body), and first says
// which it saw; for a mail message also its Remailer-Type and how many
// header fields it has (not their values: the header may name senders).
// Then one block per packet (crypto/dump.h).  Exit 0 when everything parsed,
// 3 when the input is invalid (what was parsed is printed, then the problem
// as a sentence on stderr), 1 when the file cannot be read or exceeds 64 MiB.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
#include "core/format/mail_header.h"
#include "crypto/dump.h"

namespace mixtasy::cli {
namespace {

constexpr std::size_t kMaxInput = 64u * 1024 * 1024;

bool read_all(std::istream& in, Bytes& out) {
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<std::size_t>(in.gcount());
        if (out.size() + n > kMaxInput) return false;
        out.insert(out.end(), buf, buf + n);
    }
    return !in.bad();
}

// Bare OpenPGP starts with a packet tag (high bit set) or, armored, with
// "-----BEGIN PGP" after optional blank lines; anything else is read as mail.
bool looks_like_openpgp(ByteView input) {
    std::size_t i = 0;
    while (i < input.size() && (input[i] == '\r' || input[i] == '\n' || input[i] == ' ')) ++i;
    if (i == input.size()) return true;  // empty: let the dump say so
    if ((input[i] & 0x80) != 0) return true;
    constexpr std::string_view kArmor = "-----BEGIN PGP";
    const std::string_view rest(reinterpret_cast<const char*>(input.data()) + i, input.size() - i);
    return rest.starts_with(kArmor);
}

// The body of a mail message, after saying what its header holds; nullopt
// (with a sentence on stderr) when the header cannot be read.
std::optional<ByteView> mail_body(ByteView input) {
    const std::string_view text(reinterpret_cast<const char*>(input.data()), input.size());
    auto header = core::parse_mail_header(text);
    if (!header) {
        std::cerr << "mixtasy inspect: this is neither OpenPGP nor a mail message: its header "
                     "breaks a rule at byte "
                  << header.error().offset << " (" << core::to_string(header.error().code) << ")\n";
        return std::nullopt;
    }
    const core::MailField* type = header->find("Remailer-Type");
    std::cout << "input: a mail message, " << header->fields.size() << " header field(s), "
              << (type ? "Remailer-Type: " + type->value : std::string("no Remailer-Type field"))
              << "; its body, from byte " << header->body_offset << ":\n";
    return input.subspan(header->body_offset);
}

bool read_input(const std::string& file, Bytes& input) {
    if (file.empty() || file == "-") return read_all(std::cin, input);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "mixtasy inspect: cannot open " << file << ": " << std::strerror(errno)
                  << "\n";
        return false;
    }
    if (!read_all(in, input)) {
        std::cerr << "mixtasy inspect: cannot read " << file
                  << " (unreadable or larger than 64 MiB)\n";
        return false;
    }
    return true;
}

void run_inspect(const std::string& file) {
    Bytes input;
    if (!read_input(file, input)) {
        set_exit_status(kExitUsage);
        return;
    }
    ByteView openpgp = input;
    if (looks_like_openpgp(input)) {
        std::cout << "input: bare OpenPGP\n";
    } else {
        auto body = mail_body(input);
        if (!body) {
            set_exit_status(kExitDestroyed);
            return;
        }
        openpgp = *body;
    }
    auto r = crypto::dump(openpgp, std::cout);
    std::cout << std::flush;
    if (!r) {
        std::cerr << "mixtasy inspect: the OpenPGP data is invalid: " << crypto::describe(r.error())
                  << "\n";
        set_exit_status(kExitDestroyed);
        return;
    }
    set_exit_status(kExitOk);
}

}  // namespace

void add_inspect(CLI::App& app) {
    auto file = std::make_shared<std::string>();
    auto* sub = app.add_subcommand(
        "inspect", "list the OpenPGP packets of a key, a layer or a whole mix message");
    sub->add_option("file", *file, "input file (default: standard input)");
    sub->callback([file] { run_inspect(*file); });
}

}  // namespace mixtasy::cli
