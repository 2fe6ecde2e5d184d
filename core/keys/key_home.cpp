// SPDX-License-Identifier: BSD-2-Clause
// key_home.cpp - node key files; see key_home.h.
#include "core/keys/key_home.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/stat.h>

#include <botan/mem_ops.h>

#include "crypto/key_file.h"
#include "crypto/key_io.h"

namespace mixtasy::core {

crypto::Result<void> save_node_key(const std::filesystem::path& home,
                                   const crypto::SecretCertificate& key) {
    MIXTASY_CHECK(crypto::make_private_directory(home));
    std::string secret = crypto::export_secret(key);
    auto written = crypto::write_key_file(home, kSecretKeyFile, secret, 0600);
    Botan::secure_scrub_memory(secret.data(), secret.size());
    if (!written) return written;
    return crypto::write_key_file(home, kPublicKeyFile, crypto::export_public(key.cert), 0644);
}

crypto::Result<crypto::SecretCertificate> load_node_key(const std::filesystem::path& home) {
    MIXTASY_TRY(text, crypto::read_key_file(home / kSecretKeyFile, crypto::FileAccess::OwnerOnly));
    auto key = crypto::read_secret_certificate(as_bytes(*text));
    Botan::secure_scrub_memory(text->data(), text->size());
    return key;
}

crypto::Result<crypto::Certificate> load_node_certificate(const std::filesystem::path& home) {
    MIXTASY_TRY(text, crypto::read_key_file(home / kPublicKeyFile, crypto::FileAccess::Any));
    return crypto::read_certificate(as_bytes(*text));
}

crypto::Result<crypto::SecretCertificate> update_node_key(
    const std::filesystem::path& home,
    const std::function<bool(crypto::SecretCertificate&)>& change) {
    // The home itself is 0700, so no one but root and its owner reaches the
    // lock file.  The lock is released when `lock` goes out of scope.
    // A missing home is named as such, not as its lock file.
    struct stat st {};
    const bool found = ::stat(home.c_str(), &st) == 0;
    if (!found || !S_ISDIR(st.st_mode)) {
        const std::string why = found ? "not a directory" : std::strerror(errno);
        return Unexpected{
            crypto::Error{crypto::ErrorCode::IoError, 0, "key home " + home.string() + ": " + why}};
    }
    MIXTASY_TRY(lock, crypto::FileLock::exclusive(home / ".lock"));
    auto key = load_node_key(home);
    if (!key) return key;
    if (change(*key)) MIXTASY_CHECK(save_node_key(home, *key));
    return key;
}

}  // namespace mixtasy::core
