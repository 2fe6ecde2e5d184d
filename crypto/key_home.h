// key_home.h - where a node keeps its key, and how it reads and writes it.
//
// Layout of a node's key home directory (created 0700 when absent):
//   <home>/secret.asc   transferable secret key, armored, mode 0600
//   <home>/public.asc   its certificate, armored, mode 0644
// Both files are replaced atomically (write a temporary file in the same
// directory, fsync it, rename over, fsync the directory), so a crash
// leaves either the old or the new key, never a torn one.  Written by root,
// they get the home directory's owner and group, so a daemon running as
// that user keeps reading its key after an admin rotated or replaced it.
//
// Guarantees and refusals
//   - load_node_key() refuses a secret.asc readable by group or others
//     (bad_key: "secret.asc must be mode 0600"), a file above 1 MiB
//     (limit_exceeded), more or fewer than one key in it (bad_key).
//   - Decoded secret bytes are scrubbed after parsing.
//   - update_node_key() is the read-modify-write of a key that changes while
//     it is used (subkey rotation): it holds an exclusive lock on
//     <home>/.lock (flock) from the load to the save, so two processes on
//     one home (the daemon and `mixtasy key rotate`) never both add a
//     subkey or overwrite each other's.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::crypto {

inline constexpr const char* kSecretKeyFile = "secret.asc";
inline constexpr const char* kPublicKeyFile = "public.asc";

std::string export_public(const Certificate& cert);        // armored PUBLIC KEY BLOCK
std::string export_secret(const SecretCertificate& key);   // armored PRIVATE KEY BLOCK

Result<void> save_node_key(const std::filesystem::path& home, const SecretCertificate& key);
Result<SecretCertificate> load_node_key(const std::filesystem::path& home);
Result<Certificate> load_node_certificate(const std::filesystem::path& home);

// Under the home's lock: loads the key, calls change(key), and saves it when
// change returned true.  Returns the key as it stands afterwards (saved or
// unchanged).  Errors: those of load and save, io_error for the lock.
Result<SecretCertificate> update_node_key(const std::filesystem::path& home,
                                          const std::function<bool(SecretCertificate&)>& change);

// One armored or binary key (public or secret) from memory.
Result<Certificate> read_certificate(ByteView input);
Result<SecretCertificate> read_secret_certificate(ByteView input);

}  // namespace mixtasy::crypto
