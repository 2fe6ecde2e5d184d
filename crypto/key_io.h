// SPDX-License-Identifier: BSD-2-Clause
// key_io.h - a key or certificate to and from its text (armored) form.
//
// What it does
//   export_public / export_secret armor a certificate (PUBLIC KEY BLOCK) or
//   a transferable secret key (PRIVATE KEY BLOCK).  read_certificate /
//   read_secret_certificate parse exactly one key from armored or binary
//   input.
//
// Guarantees and refusals
//   - read_secret_certificate scrubs the decoded secret bytes after parsing.
//   - Refused (bad_key): input holding more or fewer than one key; the
//     armor and key parsers' errors otherwise.
#pragma once

#include <string>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::crypto {

std::string export_public(const Certificate& cert);       // armored PUBLIC KEY BLOCK
std::string export_secret(const SecretCertificate& key);  // armored PRIVATE KEY BLOCK

// One armored or binary key (public or secret) from memory.
Result<Certificate> read_certificate(ByteView input);
Result<SecretCertificate> read_secret_certificate(ByteView input);

}  // namespace mixtasy::crypto
