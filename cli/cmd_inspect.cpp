// mixtasy inspect - list the OpenPGP packets of a message or key.
//
//   mixtasy inspect [FILE]      (standard input when FILE is absent or "-")
//
// Armored or binary input.  Prints one block per packet (crypto/dump.h).
// Exit 0 when everything parsed, 3 when the input is invalid (what was
// parsed is printed, then the offset and the problem on stderr), 1 when the
// file cannot be read or exceeds 64 MiB.
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/commands.h"
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

void run_inspect(const std::string& file) {
    Bytes input;
    bool ok = false;
    if (file.empty() || file == "-") {
        ok = read_all(std::cin, input);
    } else {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            std::cerr << "mixtasy inspect: cannot open " << file << "\n";
            set_exit_status(kExitUsage);
            return;
        }
        ok = read_all(in, input);
    }
    if (!ok) {
        std::cerr << "mixtasy inspect: input unreadable or larger than 64 MiB\n";
        set_exit_status(kExitUsage);
        return;
    }
    auto r = crypto::dump(input, std::cout);
    std::cout << std::flush;
    if (!r) {
        std::cerr << "mixtasy inspect: invalid input: " << crypto::describe(r.error()) << "\n";
        set_exit_status(kExitDestroyed);
        return;
    }
    set_exit_status(kExitOk);
}

}  // namespace

void add_inspect(CLI::App& app) {
    auto file = std::make_shared<std::string>();
    auto* sub = app.add_subcommand("inspect", "list the OpenPGP packets of a message or key");
    sub->add_option("file", *file, "input file (default: standard input)");
    sub->callback([file] { run_inspect(*file); });
}

}  // namespace mixtasy::cli
