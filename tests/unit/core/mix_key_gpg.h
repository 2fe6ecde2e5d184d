// SPDX-License-Identifier: BSD-2-Clause
// mix_key_gpg.h - mix keys made by the real gpg, for the tests of the key
// format validator and the directory: a temporary GNUPGHOME, gpg in batch
// mode, keys exported armored.  gpg judges time by the real clock, so keys
// made here are checked at the real time.
//
// Under CI=true a missing gpg fails the test (require_gpg); elsewhere the
// test is skipped with a warning.
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "common/time.h"

namespace mixtasy::core::unit {

inline Instant real_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// True when gpg runs; under CI a missing gpg is a failure, not a skip.
inline bool require_gpg() {
    if (std::system("gpg --version >/dev/null 2>&1") == 0) return true;
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") FAIL("gpg is not installed (CI=true)");
    WARN("gpg not installed: test skipped");
    return false;
}

class GpgHome {
public:
    explicit GpgHome(std::filesystem::path home) : home_(std::move(home)) {
        std::filesystem::create_directories(home_);
        std::filesystem::permissions(home_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace);
    }
    ~GpgHome() {
        (void)std::system(
            ("gpgconf --homedir '" + home_.string() + "' --kill all >/dev/null 2>&1").c_str());
    }
    GpgHome(const GpgHome&) = delete;
    GpgHome& operator=(const GpgHome&) = delete;

    // Runs gpg with `args`; returns its standard output, fails the test on a
    // non-zero exit.
    std::string run(const std::string& args) const {
        const std::string cmd = "gpg --homedir '" + home_.string() +
                                "' --batch --yes --pinentry-mode loopback --passphrase '' " + args +
                                " 2>/dev/null";
        std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
        REQUIRE(pipe != nullptr);
        std::string out;
        std::array<char, 4096> buf{};
        std::size_t n = 0;
        while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0)
            out.append(buf.data(), n);
        const int status = ::pclose(pipe.release());
        INFO("gpg " << args);
        REQUIRE(status == 0);
        return out;
    }

    // A key in the Mixtasy format: Ed25519 certify-only primary with `uid`,
    // one Curve25519 encryption subkey valid `subkey_expiry` ("2d", "never").
    // Returns the primary fingerprint.
    std::string make_mix_key(const std::string& uid,
                             const std::string& subkey_expiry = "2d") const {
        run("--quick-gen-key '" + uid + "' ed25519 cert never");
        const std::string fpr = fingerprint_of(uid);
        run("--quick-add-key " + fpr + " cv25519 encr " + subkey_expiry);
        return fpr;
    }

    std::string fingerprint_of(const std::string& uid) const {
        const std::string listing = run("--with-colons --list-keys '=" + uid + "'");
        const auto at = listing.find("\nfpr:");
        REQUIRE(at != std::string::npos);
        const auto start = listing.find_first_not_of(':', at + 5);
        return listing.substr(start, listing.find(':', start) - start);
    }

    std::string export_armored(const std::string& fpr) const {
        return run("--armor --export " + fpr);
    }

    const std::filesystem::path& path() const { return home_; }

private:
    std::filesystem::path home_;
};

}  // namespace mixtasy::core::unit
