// SPDX-License-Identifier: BSD-2-Clause
// wkd.cpp - Web Key Directory hashes, URLs and the tree; see wkd.h.
#include "core/publish/wkd.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <botan/hash.h>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/publish/percent_encode.h"

namespace mixtasy::core {
namespace {

namespace fs = std::filesystem;

Unexpected<WkdError> io_error(const fs::path& path, const char* what) {
    return Unexpected{WkdError{
        WkdError::Code::Io, std::string(what) + " " + path.string() + ": " + std::strerror(errno)}};
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

Expected<void, WkdError> sync_path(const fs::path& path, int flags) {
    Fd f(::open(path.c_str(), flags | O_CLOEXEC));
    if (f.fd < 0 || ::fsync(f.fd) != 0) return io_error(path, "sync");
    return {};
}

Expected<void, WkdError> write_synced(const fs::path& path, ByteView data) {
    Fd f(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (f.fd < 0) return io_error(path, "create");
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(f.fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return io_error(path, "write");
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(f.fd, 0644) != 0 || ::fsync(f.fd) != 0) return io_error(path, "sync");
    return {};
}

// 0755 whatever the umask, but only on a directory made here: the
// admin's document root keeps its mode.
Expected<void, WkdError> make_dir(const fs::path& path) {
    if (::mkdir(path.c_str(), 0755) != 0) {
        if (errno == EEXIST) return {};
        return io_error(path, "mkdir");
    }
    if (::chmod(path.c_str(), 0755) != 0) return io_error(path, "chmod");
    return {};
}

// One layout's directory: its policy file (empty: no policy keywords
// apply) and one hu/<hash> file per key.
Expected<void, WkdError> write_layout(const fs::path& dir,
                                      const std::map<std::string, const Bytes*>& by_hash) {
    MIXTASY_CHECK(make_dir(dir));
    MIXTASY_CHECK(make_dir(dir / "hu"));
    MIXTASY_CHECK(write_synced(dir / "policy", {}));
    for (const auto& [hash, key] : by_hash) MIXTASY_CHECK(write_synced(dir / "hu" / hash, *key));
    MIXTASY_CHECK(sync_path(dir / "hu", O_RDONLY | O_DIRECTORY));
    return sync_path(dir, O_RDONLY | O_DIRECTORY);
}

Expected<void, WkdError> build_tree(const fs::path& staging, const std::vector<WkdKey>& keys) {
    std::map<std::string, const Bytes*> direct;
    std::map<std::string, std::map<std::string, const Bytes*>> advanced;  // domain -> hash
    for (const WkdKey& k : keys) {
        const auto address = wkd_address(k.address);
        if (!address)
            return Unexpected{WkdError{WkdError::Code::BadAddress,
                                       "not a WKD address: " + k.address.substr(0, 80)}};
        const std::string hash = wkd_hash(address->local);
        direct[hash] = &k.binary;
        advanced[address->domain][hash] = &k.binary;
    }
    MIXTASY_CHECK(write_layout(staging, direct));
    for (const auto& [domain, by_hash] : advanced)
        MIXTASY_CHECK(write_layout(staging / domain, by_hash));
    return {};
}

// The new tree takes the old one's place in one step; the old one, now at
// the staging name, is removed afterwards.
Expected<void, WkdError> swap_in(const fs::path& staging, const fs::path& live) {
    std::error_code ec;
    const bool exists = fs::exists(live, ec);
    if (exists) {
        if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) != 0)
            return io_error(live, "exchange");
    } else if (::rename(staging.c_str(), live.c_str()) != 0) {
        return io_error(live, "rename");
    }
    MIXTASY_CHECK(sync_path(live.parent_path(), O_RDONLY | O_DIRECTORY));
    if (exists) fs::remove_all(staging, ec);
    return {};
}

}  // namespace

std::string zbase32(ByteView data) {
    static constexpr char kAlphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : data) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::string wkd_hash(std::string_view local_part) {
    const std::string lowered = ascii::lower(local_part);
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(reinterpret_cast<const std::uint8_t*>(lowered.data()), lowered.size());
    const auto digest = sha1->final();
    return zbase32(ByteView(digest.data(), digest.size()));
}

std::optional<WkdAddress> wkd_address(std::string_view address) {
    const auto spec = strict_addr_spec(address);
    if (!spec || spec->local.size() > kMaxWkdLocalPart) return std::nullopt;
    return WkdAddress{std::string(spec->local), ascii::lower(spec->domain)};
}

WkdUrls wkd_urls(const WkdAddress& a) {
    const std::string tail = "hu/" + wkd_hash(a.local) + "?l=" + percent_encode(a.local);
    return WkdUrls{
        "https://openpgpkey." + a.domain + "/.well-known/openpgpkey/" + a.domain + "/" + tail,
        "https://" + a.domain + "/.well-known/openpgpkey/" + tail};
}

Expected<void, WkdError> write_wkd_tree(const fs::path& root, const std::vector<WkdKey>& keys) {
    if (keys.size() > kMaxWkdKeys)
        return Unexpected{WkdError{WkdError::Code::TooMany, "more than 256 keys for one tree"}};
    const fs::path well_known = root / ".well-known";
    const fs::path staging = well_known / ".openpgpkey.new";
    const fs::path live = well_known / "openpgpkey";
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) return Unexpected{WkdError{WkdError::Code::Io, root.string() + ": " + ec.message()}};
    MIXTASY_CHECK(make_dir(well_known));
    fs::remove_all(staging, ec);  // a crash's leftover
    if (auto built = build_tree(staging, keys); !built) {
        fs::remove_all(staging, ec);
        return built;
    }
    return swap_in(staging, live);
}

}  // namespace mixtasy::core
