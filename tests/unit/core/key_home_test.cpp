// SPDX-License-Identifier: BSD-2-Clause
// key_home_test.cpp - the node key home (core/keys/key_home.h): file modes,
// the refusal of a readable secret.asc, and root's updates that keep the
// files usable by the home's owner.
#include "core/keys/key_home.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <botan/auto_rng.h>

#include "core/keys/node_key.h"
#include "crypto/keygen.h"
#include "tests/unit/core/core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using crypto::SecretCertificate;

namespace {

SecretCertificate make_node(crypto::Timestamp created = 1700000000) {
    Botan::AutoSeeded_RNG rng;
    NodeKeyParams params;
    params.name = "Test Node";
    params.address = "mixtasy@node.example";
    params.modes = {"middleman", "exitprivate"};
    params.created = created;
    auto key = generate_node_key(params, rng);
    REQUIRE(key);
    return std::move(*key);
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("key home: save writes 0600/0644 files and load reads them back", "[key_home]") {
    TempDir dir;
    const auto home = dir.path() / "keys";
    const SecretCertificate node = make_node();
    REQUIRE(save_node_key(home, node));
    namespace fs = std::filesystem;
    CHECK((fs::status(home / kSecretKeyFile).permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK((fs::status(home / kPublicKeyFile).permissions() & fs::perms::group_read) ==
          fs::perms::group_read);
    CHECK((fs::status(home).permissions() & fs::perms::others_all) == fs::perms::none);
    auto loaded = load_node_key(home);
    REQUIRE(loaded);
    CHECK(loaded->cert.fingerprint() == node.cert.fingerprint());
    CHECK(loaded->subkeys.size() == 1);
    auto pub = load_node_certificate(home);
    REQUIRE(pub);
    CHECK(pub->fingerprint() == node.cert.fingerprint());
    CHECK(read_text(home / kPublicKeyFile).rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----", 0) == 0);
    fs::permissions(home / kSecretKeyFile, fs::perms::group_read, fs::perm_options::add);
    auto refused = load_node_key(home);
    REQUIRE(!refused);
    CHECK(refused.error().code == crypto::ErrorCode::BadKey);
    CHECK(load_node_key(dir.path() / "absent").error().code == crypto::ErrorCode::IoError);
}

// An admin rotating as root must not lock the daemon (the home's owner) out
// of its own key: files keep the home's owner, the lock file opens for both.
TEST_CASE("key home: root's updates keep the files usable by the home's owner", "[key_home]") {
    if (::geteuid() != 0) {
        WARN("needs root to change owners; skipped");
        return;
    }
    TempDir dir;
    ::chmod(dir.path().c_str(), 0711);  // nobody may pass through to the home
    const auto home = dir.path() / "keys";
    REQUIRE(::mkdir(home.c_str(), 0700) == 0);
    REQUIRE(::chown(home.c_str(), 65534, 65534) == 0);
    REQUIRE(save_node_key(home, make_node()));
    Botan::AutoSeeded_RNG rng;
    const auto add_subkey = [&rng](SecretCertificate& k) {
        return static_cast<bool>(
            crypto::add_encryption_subkey(k, k.cert.primary.created + 10, 3600, rng));
    };
    REQUIRE(update_node_key(home, add_subkey));  // as root: makes .lock, rewrites both files
    for (const char* name : {kSecretKeyFile, kPublicKeyFile}) {
        struct stat st {};
        REQUIRE(::stat((home / name).c_str(), &st) == 0);
        CHECK(st.st_uid == 65534);
        CHECK(st.st_gid == 65534);
    }
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(100);
        auto updated = update_node_key(home, add_subkey);
        ::_exit(updated && updated->cert.subkeys.size() == 3 ? 0 : 101);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
