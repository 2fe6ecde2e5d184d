// SPDX-License-Identifier: BSD-2-Clause
// key_home.h - where a node keeps its key, and how it reads and writes it.
//
// WHAT IT DOES
//   Layout of a node's key home directory (created 0700 when absent):
//     <home>/secret.asc   transferable secret key, armored, mode 0600
//     <home>/public.asc   its certificate, armored, mode 0644
//     <home>/.lock        the flock of update_node_key
//   save_node_key writes both files, load_node_key / load_node_certificate
//   read them, update_node_key is the read-modify-write of a key that
//   changes while it is used (subkey rotation).
//
// WHAT IT GUARANTEES
//   - Both files are replaced atomically (crypto/key_file.h), so a crash
//     leaves either the old or the new key, never a torn one.  Written by
//     root, they get the home directory's owner and group, so a daemon
//     running as that user keeps reading its key after an admin rotated or
//     replaced it.
//   - Decoded secret bytes are scrubbed after parsing.
//   - update_node_key holds an exclusive lock on <home>/.lock from the load
//     to the save, so two processes on one home (the daemon and `mixtasy key
//     rotate`) never both add a subkey or overwrite each other's.
//
// WHAT IT REFUSES
//   load_node_key refuses a secret.asc readable by group or others (bad_key:
//   "secret.asc must be mode 0600"), a file above 1 MiB (limit_exceeded),
//   more or fewer than one key in it (bad_key); a missing file is io_error.
#pragma once

#include <filesystem>
#include <functional>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::core {

inline constexpr const char* kSecretKeyFile = "secret.asc";
inline constexpr const char* kPublicKeyFile = "public.asc";

crypto::Result<void> save_node_key(const std::filesystem::path& home,
                                   const crypto::SecretCertificate& key);
crypto::Result<crypto::SecretCertificate> load_node_key(const std::filesystem::path& home);
crypto::Result<crypto::Certificate> load_node_certificate(const std::filesystem::path& home);

// Under the home's lock: loads the key, calls change(key), and saves it when
// change returned true.  Returns the key as it stands afterwards (saved or
// unchanged).  Errors: those of load and save, io_error for the lock.
crypto::Result<crypto::SecretCertificate> update_node_key(
    const std::filesystem::path& home,
    const std::function<bool(crypto::SecretCertificate&)>& change);

}  // namespace mixtasy::core
