// SPDX-License-Identifier: BSD-2-Clause
// replay_main.cpp - the main() of a fuzz target in the ordinary build: runs
// LLVMFuzzerTestOneInput once on every file named (or in every directory
// named), so each target compiles with the project's compiler and warnings
// and its seed corpus is replayed by ctest on every build.  A crash or an
// abort in the target fails the test; the sanitizer build catches the rest.
//
//   fuzz_<name>_replay FILE_OR_DIR...    exit 0 when every input ran, 1 when
//                                        an argument could not be read
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
    (void)LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t inputs = 0;
    bool ok = true;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg)) {
                if (!entry.is_regular_file()) continue;
                ok = run_file(entry.path()) && ok;
                ++inputs;
            }
        } else {
            ok = run_file(arg) && ok;
            ++inputs;
        }
    }
    std::printf("%zu inputs replayed\n", inputs);
    return ok ? 0 : 1;
}
