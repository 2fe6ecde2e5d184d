// SPDX-License-Identifier: BSD-2-Clause
// Interop with GnuPG (real gpg, temporary GNUPGHOME):
//   - a layer gpg makes (--rfc2440 --compress-algo none: SED, no MDC, no
//     compression) to a `mixtasy keygen`-style node key is processed by
//     our node down to delivery;
//   - gpg (--ignore-mdc-error) decrypts a layer we make.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/node/processor.h"
#include "core_test_util.h"
#include "tests/unit/oracle.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

void write_file(const std::filesystem::path& p, ByteView data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    REQUIRE(out.good());
}

Bytes read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in.good());
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// gpg judges keys by the real clock: these tests run the network at it.
std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Gpg {
    explicit Gpg(const std::filesystem::path& home) : home_(home) {
        std::filesystem::create_directories(home_);
        std::filesystem::permissions(home_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace);
    }
    ~Gpg() {
        (void)std::system(
            ("gpgconf --homedir '" + home_.string() + "' --kill all >/dev/null 2>&1").c_str());
    }
    int run(const std::string& args) const {
        const std::string cmd = "gpg --homedir '" + home_.string() +
                                "' --batch --yes --pinentry-mode loopback --passphrase '' " + args +
                                " >/dev/null 2>&1";
        return std::system(cmd.c_str());
    }
    std::filesystem::path home_;
};

const std::string kOriginal =
    "To: carol@dest.example\r\nSubject: via gpg\r\n\r\nmade by gpg, peeled by us\r\n";

}  // namespace

TEST_CASE("interop: our node processes a layer made by gpg", "[core][interop]") {
    if (!mixtasy::testing::oracle_available("gpg")) return;
    TestNet net(1, {"middleman", "exitpublic"}, real_now());
    TestNode& node = net.nodes.front();
    Gpg gpg(net.dir.path() / "gnupg");
    REQUIRE(gpg.run("--import '" + (node.home / "public.asc").string() + "'") == 0);

    auto final_msg = build_final_message(MixType::Singlepart, new_mixtasy_id(*net.random), {},
                                         as_bytes(kOriginal), *net.random);
    REQUIRE(final_msg);
    write_file(net.dir.path() / "final.eml", *final_msg);
    REQUIRE(gpg.run("--trust-model always --rfc2440 --compress-algo none -r " + node.address +
                    " -o '" + (net.dir.path() / "layer.gpg").string() + "' -e '" +
                    (net.dir.path() / "final.eml").string() + "'") == 0);
    const Bytes layer = read_file(net.dir.path() / "layer.gpg");
    auto padded = pad_body(layer, kIntermediateBodySize, *net.random);
    REQUIRE(padded);
    std::vector<CapturingTransport::Sent> out;
    Decision d = net.hop(node.address, transport_message("", node.address, *padded), &out);
    REQUIRE(d.reason == "pooled");
    REQUIRE(out.size() == 1);
    CHECK(out[0].recipient == "carol@dest.example");
    CHECK(text_of(out[0].message).find("made by gpg, peeled by us") != std::string::npos);
}

TEST_CASE("interop: gpg decrypts a layer we make", "[core][interop]") {
    if (!mixtasy::testing::oracle_available("gpg")) return;
    TestNet net(1, {"middleman"}, real_now());
    TestNode& node = net.nodes.front();
    Gpg gpg(net.dir.path() / "gnupg");
    REQUIRE(gpg.run("--import '" + (node.home / "secret.asc").string() + "'") == 0);
    const std::string inner =
        "Verification: 0\r\nTo: mixtasy@next.example\r\n\r\nthe next layer\r\n";
    auto sub = net.ring.encryption_subkey(node.address, net.clock->now());
    REQUIRE(sub != nullptr);
    auto layer = seal_layer(as_bytes(inner), sub->key, *net.random);
    REQUIRE(layer);
    // as a mix sends it: padded to 30 KiB (the padding decrypts to noise
    // after the literal contents, as seed 000 6.2.3 says)
    auto padded = pad_body(*layer, kIntermediateBodySize, *net.random);
    REQUIRE(padded);
    write_file(net.dir.path() / "ours.gpg", *padded);
    const auto plain = net.dir.path() / "plain.out";
    (void)gpg.run("--ignore-mdc-error -o '" + plain.string() + "' -d '" +
                  (net.dir.path() / "ours.gpg").string() + "'");
    REQUIRE(std::filesystem::exists(plain));
    const Bytes got = read_file(plain);
    REQUIRE(got.size() >= inner.size());
    CHECK(text_of(ByteView(got).first(inner.size())) == inner);
}
