// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: everything a mix does with a received message before
// the store (core/node/processor.h: header strip, dearmor, decrypt with the
// fixed node key of tests/data/core/fuzz_node, header, Verification,
// re-padding, final payload).  Invariants: no crash, and a Forward result
// is a transport message whose body is exactly 30 KiB.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/format/mix_format.h"
#include "core/keys/keyring.h"
#include "core/node/processor.h"
#include "core/ports/random.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

struct Fixture {
    crypto::SecretCertificate key;
    NodeIdentity identity;
    Instant now;
    DeterministicRandom random{1};
};

Fixture* load() {
    const char* path = std::getenv("MIXTASY_FUZZ_KEY");
    std::ifstream in(path != nullptr ? path : "tests/data/core/fuzz_node/secret.asc",
                     std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto key = crypto::read_secret_certificate(as_bytes(text));
    if (!key) std::abort();  // run from the repository root or set MIXTASY_FUZZ_KEY
    auto mix = check_mix_key(key->cert);
    if (!mix) std::abort();
    auto* f = new Fixture{std::move(*key), {mix->address, mix->modes}, {}};
    f->now = from_unix(static_cast<std::int64_t>(f->key.cert.primary.created) + 3600);
    return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Fixture* fixture = load();
    Peeled p =
        peel(ByteView(data, size), fixture->key, fixture->identity, fixture->now, fixture->random);
    if (p.kind == Peeled::Kind::Forward) {
        auto body = received_body(p.message);
        if (!body) std::abort();
        auto binary = crypto::to_binary(*body);
        if (!binary || binary->size() != kIntermediateBodySize) std::abort();
    }
    return 0;
}
