// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/sendmail_setup.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "milter/setup/run_command.h"

namespace mixtasy::milter::setup {
namespace {

inline constexpr std::size_t kMaxMcBytes = 1024 * 1024;

Expected<std::string, std::string> build_cf(const std::string& mc_path) {
    CommandResult r = run_command({"m4", mc_path});
    if (r.status != 0 || r.out.empty()) {
        return Unexpected{"m4 " + mc_path + " failed (status " + std::to_string(r.status) + "): " + r.err};
    }
    return std::move(r.out);
}

}  // namespace

Expected<std::string, std::string> read_text_file(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unexpected{path + ": " + std::strerror(errno)};
    std::string text;
    text.resize(limit + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) return Unexpected{path + ": larger than " + std::to_string(limit) + " bytes"};
    return text;
}

Expected<void, std::string> write_text_file(const std::string& path, std::string_view text, unsigned mode) {
    const std::string tmp = path + ".mixtasy-tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return Unexpected{tmp + ": " + std::strerror(errno)};
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                    ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return Unexpected{path + ": " + why};
    }
    return {};
}

Expected<std::string, std::string> mc_with_block(std::string_view mc, std::string_view snippet) {
    if (snippet.size() > kMaxMcBytes) return Unexpected{std::string("sendmail snippet too large")};
    if (mc.find(kMcBegin) != std::string_view::npos) {
        if (mc.find(kMcEnd) == std::string_view::npos) return Unexpected{std::string("sendmail.mc: begin marker without end")};
        return std::string(mc);
    }
    std::string block = std::string(kMcBegin) + "\n" + std::string(snippet);
    if (!block.empty() && block.back() != '\n') block += '\n';
    block += std::string(kMcEnd) + "\n";
    std::size_t at = mc.size();
    for (std::size_t pos = 0; pos < mc.size();) {
        if (mc.compare(pos, 7, "MAILER(") == 0) {
            at = pos;
            break;
        }
        const std::size_t nl = mc.find('\n', pos);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    std::string out(mc.substr(0, at));
    if (!out.empty() && out.back() != '\n') out += '\n';
    return out + block + std::string(mc.substr(at));
}

Expected<std::string, std::string> mc_without_block(std::string_view mc) {
    const std::size_t begin = mc.find(kMcBegin);
    if (begin == std::string_view::npos) return std::string(mc);
    const std::size_t end = mc.find(kMcEnd, begin);
    if (end == std::string_view::npos) return Unexpected{std::string("sendmail.mc: begin marker without end")};
    std::size_t after = end + kMcEnd.size();
    if (after < mc.size() && mc[after] == '\n') ++after;
    return std::string(mc.substr(0, begin)) + std::string(mc.substr(after));
}

Expected<void, std::string> apply_sendmail(const SendmailPaths& paths, std::string_view snippet,
                                           SetupState& state) {
    auto mc = read_text_file(paths.mc, kMaxMcBytes);
    if (!mc) return Unexpected{mc.error()};
    auto with = mc_with_block(*mc, snippet);
    if (!with) return Unexpected{with.error()};
    if (*with == *mc) return {};
    // The old sendmail.cf is kept before anything changes.
    auto old_cf = read_text_file(paths.cf, 16 * kMaxMcBytes);
    if (!old_cf) return Unexpected{old_cf.error()};
    if (auto r = write_text_file(paths.backup, *old_cf, 0600); !r) return r;
    if (auto r = write_text_file(paths.mc, *with, 0644); !r) return r;
    if (auto r = state.record({"mcblock", {paths.mc}}); !r) return r;
    auto cf = build_cf(paths.mc);
    if (!cf) return Unexpected{cf.error()};
    if (auto r = write_text_file(paths.cf, *cf, 0644); !r) return r;
    return state.record({"cf", {paths.cf, paths.backup}});
}

Expected<void, std::string> undo_sendmail(const SendmailPaths& paths, const SetupState& state) {
    if (state.has("mcblock", paths.mc)) {
        auto mc = read_text_file(paths.mc, kMaxMcBytes);
        if (!mc) return Unexpected{mc.error()};
        auto without = mc_without_block(*mc);
        if (!without) return Unexpected{without.error()};
        if (auto r = write_text_file(paths.mc, *without, 0644); !r) return r;
    }
    if (state.has("cf", paths.cf)) {
        auto old_cf = read_text_file(paths.backup, 16 * kMaxMcBytes);
        if (!old_cf) return Unexpected{old_cf.error()};
        if (auto r = write_text_file(paths.cf, *old_cf, 0644); !r) return r;
        ::unlink(paths.backup.c_str());
    }
    return {};
}

}  // namespace mixtasy::milter::setup
