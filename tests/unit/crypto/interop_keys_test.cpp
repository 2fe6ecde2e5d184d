// SPDX-License-Identifier: BSD-2-Clause
// interop_keys_test.cpp - our keys and signatures against the real gpg and
// sq on this machine, in both directions:
//   - a node key we generate imports into gpg (subkey [E], 2-day expiry) and
//     sq; gpg and sq encrypt to it; gpg can even use our secret key (which
//     proves the secret key packets are right);
//   - keys made by gpg (ed25519 + cv25519) and by sq parse with us;
//   - detached signatures verify both ways.
// A missing tool fails under CI=true and is skipped with a warning elsewhere
// (tests/unit/oracle.h).
#include <catch2/catch.hpp>

#include <chrono>

#include <botan/auto_rng.h>

#include "crypto/armor.h"
#include "crypto/key.h"
#include "crypto/key_io.h"
#include "crypto/keygen.h"
#include "crypto/packet.h"
#include "crypto/signature.h"
#include "test_util.h"
#include "tests/unit/oracle.h"

using namespace mixtasy;
using namespace mixtasy::crypto;
using test::quote;
using test::run;

namespace {

// A throw-away GNUPGHOME; the agent is stopped on destruction.
class GpgHome {
public:
    GpgHome() { std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all); }
    ~GpgHome() {
        (void)run("gpgconf --homedir " + quote(dir_.path().string()) +
                  " --kill all >/dev/null 2>&1");
    }
    GpgHome(const GpgHome&) = delete;
    GpgHome& operator=(const GpgHome&) = delete;
    std::string gpg(const std::string& args) const {
        return "gpg --homedir " + quote(dir_.path().string()) +
               " --batch --yes --pinentry-mode loopback --passphrase '' " + args;
    }
    std::filesystem::path file(const std::string& name) const { return dir_.path() / name; }

private:
    test::TempDir dir_;
};

Timestamp now() { return to_timestamp(std::chrono::system_clock::now()); }

SecretCertificate fresh_node(const std::string& address) {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams p;
    p.user_id = "Interop Node (mixtasy-mode:middleman,exitpublic) <" + address + ">";
    p.created = now() - 60;
    p.subkey_validity = test::kTwoDays;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    return std::move(*k);
}

std::vector<std::string> colon_lines(const std::string& out, const std::string& kind) {
    std::vector<std::string> lines;
    std::istringstream in(out);
    std::string l;
    while (std::getline(in, l))
        if (l.rfind(kind + ":", 0) == 0) lines.push_back(l);
    return lines;
}

std::string field(const std::string& line, std::size_t n) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) start = line.find(':', start) + 1;
    return line.substr(start, line.find(':', start) - start);
}

Bytes read_bytes(const std::filesystem::path& p) {
    const std::string s = test::read_text(p);
    return Bytes(s.begin(), s.end());
}

std::string detached_signature(const SecretCertificate& key, ByteView data) {
    Botan::AutoSeeded_RNG rng;
    SignatureParams p;
    p.type = SignatureType::Binary;
    p.created = now() - 30;
    auto sig = sign_data(key.primary, data, p, rng);
    REQUIRE(sig);
    return armor_encode(signature_packet(*sig), kLabelSignature);
}

Signature first_signature(ByteView input) {
    auto binary = to_binary(input);
    REQUIRE(binary);
    static std::vector<Bytes> keep;
    keep.push_back(*binary);
    auto packets = read_packets(keep.back());
    REQUIRE(packets);
    for (const auto& p : *packets) {
        if (p.tag != Tag::Signature) continue;
        auto s = parse_signature(p.body(), p.body_offset);
        REQUIRE(s);
        return *s;
    }
    FAIL("no signature packet");
    return {};
}

}  // namespace

TEST_CASE("interop: our node key in gpg", "[interop][gpg]") {
    if (!mixtasy::testing::oracle_available("gpg")) return;
    GpgHome home;
    const SecretCertificate node = fresh_node("mixtasy@gpg-interop.example");
    test::write_file(home.file("public.asc"), export_public(node.cert));
    REQUIRE(run(home.gpg("--import " + quote(home.file("public.asc").string()) + " 2>/dev/null"))
                .status == 0);

    const auto listing = run(home.gpg("--with-colons --fixed-list-mode --list-keys 2>/dev/null"));
    REQUIRE(listing.status == 0);
    const auto pubs = colon_lines(listing.out, "pub");
    const auto subs = colon_lines(listing.out, "sub");
    const auto uids = colon_lines(listing.out, "uid");
    REQUIRE(pubs.size() == 1);
    REQUIRE(subs.size() == 1);
    REQUIRE(uids.size() == 1);
    CHECK(field(pubs[0], 3) == "22");
    CHECK(field(subs[0], 3) == "18");
    CHECK(field(subs[0], 11) == "e");  // encryption only
    const Subkey& sub = node.cert.subkeys.front();
    CHECK(field(subs[0], 6) == std::to_string(*sub.expires));  // 2 days after creation
    CHECK(*sub.expires - sub.key.created == 2 * 24 * 3600);
    // gpg's colon listing escapes ':' as \x3a.
    CHECK(field(uids[0], 9) ==
          "Interop Node (mixtasy-mode\\x3amiddleman,exitpublic) <mixtasy@gpg-interop.example>");
    CHECK(field(uids[0], 1) != "r");  // not revoked or invalid

    SECTION("gpg encrypts to the subkey and verifies our signature") {
        test::write_file(home.file("data.txt"), "mix me\n");
        const auto enc = run(home.gpg("--trust-model always -r mixtasy@gpg-interop.example -o " +
                                      quote(home.file("data.gpg").string()) + " --encrypt " +
                                      quote(home.file("data.txt").string()) + " 2>&1"));
        INFO(enc.out);
        CHECK(enc.status == 0);
        const auto packets =
            run(home.gpg("--list-packets " + quote(home.file("data.gpg").string()) + " 2>&1"));
        CHECK(packets.out.find(to_hex(sub.key.key_id)) != std::string::npos);

        test::write_file(home.file("data.sig"), detached_signature(node, as_bytes("mix me\n")));
        const auto verify = run(home.gpg("--verify " + quote(home.file("data.sig").string()) + " " +
                                         quote(home.file("data.txt").string()) + " 2>&1"));
        INFO(verify.out);
        CHECK(verify.status == 0);
        CHECK(verify.out.find("Good signature") != std::string::npos);
    }
    SECTION("gpg accepts our secret key and decrypts and signs with it") {
        test::write_file(home.file("secret.asc"), export_secret(node));
        const auto imp =
            run(home.gpg("--import " + quote(home.file("secret.asc").string()) + " 2>&1"));
        INFO(imp.out);
        REQUIRE(imp.status == 0);
        test::write_file(home.file("m.txt"), "round trip\n");
        REQUIRE(run(home.gpg("--trust-model always -r mixtasy@gpg-interop.example -o " +
                             quote(home.file("m.gpg").string()) + " --encrypt " +
                             quote(home.file("m.txt").string()) + " 2>/dev/null"))
                    .status == 0);
        const auto dec =
            run(home.gpg("--decrypt " + quote(home.file("m.gpg").string()) + " 2>/dev/null"));
        CHECK(dec.status == 0);
        CHECK(dec.out == "round trip\n");
        REQUIRE(
            run(home.gpg("-u mixtasy@gpg-interop.example -o " + quote(home.file("m.sig").string()) +
                         " --detach-sign " + quote(home.file("m.txt").string()) + " 2>/dev/null"))
                .status == 0);
        const Signature sig = first_signature(read_bytes(home.file("m.sig")));
        CHECK(verify_data(sig, node.cert.primary, as_bytes("round trip\n")));
    }
}

TEST_CASE("interop: a gpg-made ed25519/cv25519 key parses and its signatures verify",
          "[interop][gpg]") {
    if (!mixtasy::testing::oracle_available("gpg")) return;
    GpgHome home;
    REQUIRE(run(home.gpg("--quick-gen-key 'Gpg Made <gpg@made.example>' ed25519 cert,sign never "
                         "2>/dev/null"))
                .status == 0);
    const auto fpr_out = run(home.gpg("--with-colons --list-keys gpg@made.example 2>/dev/null"));
    const auto fprs = colon_lines(fpr_out.out, "fpr");
    REQUIRE(!fprs.empty());
    const std::string fpr = field(fprs[0], 9);
    REQUIRE(run(home.gpg("--quick-add-key " + fpr + " cv25519 encr 2d 2>/dev/null")).status == 0);

    const auto pub = run(home.gpg("--export gpg@made.example 2>/dev/null"));
    REQUIRE(pub.status == 0);
    auto certs = parse_certificates(as_bytes(pub.out));
    REQUIRE(certs);
    REQUIRE(certs->size() == 1);
    const Certificate& c = certs->front();
    CHECK(to_hex(c.fingerprint()) == fpr);
    REQUIRE(c.user_ids.size() == 1);
    CHECK(c.user_ids[0].text == "Gpg Made <gpg@made.example>");
    CHECK((c.key_flags & (kFlagCertify | kFlagSign)) == (kFlagCertify | kFlagSign));
    REQUIRE(c.subkeys.size() == 1);
    CHECK(c.subkeys[0].encryption_capable());
    REQUIRE(c.subkeys[0].expires);
    CHECK(*c.subkeys[0].expires - c.subkeys[0].key.created == 2 * 24 * 3600);
    CHECK(valid_encryption_subkeys(c, std::chrono::system_clock::now()).size() == 1);

    const auto sec = run(home.gpg("--export-secret-keys gpg@made.example 2>/dev/null"));
    REQUIRE(sec.status == 0);
    auto tsk = parse_secret_certificates(as_bytes(sec.out));
    REQUIRE(tsk);
    REQUIRE(tsk->front().subkeys.size() == 1);
    CHECK(tsk->front().subkeys[0].ecc_secret.size() == 32);

    // The armored export parses the same way.
    const auto armored = run(home.gpg("--armor --export gpg@made.example 2>/dev/null"));
    auto from_armor = read_certificate(as_bytes(armored.out));
    REQUIRE(from_armor);
    CHECK(from_armor->fingerprint() == c.fingerprint());

    test::write_file(home.file("d.txt"), "signed by gpg\n");
    for (const char* mode :
         {"--detach-sign", "--armor --detach-sign", "--textmode --detach-sign"}) {
        INFO(mode);
        std::filesystem::remove(home.file("d.sig"));
        REQUIRE(run(home.gpg(std::string(mode) + " -o " + quote(home.file("d.sig").string()) + " " +
                             quote(home.file("d.txt").string()) + " 2>/dev/null"))
                    .status == 0);
        const Signature sig = first_signature(read_bytes(home.file("d.sig")));
        CHECK(verify_data(sig, c.primary, as_bytes("signed by gpg\n")));
        CHECK(!verify_data(sig, c.primary, as_bytes("signed by gpq\n")));
    }
}

TEST_CASE("interop: a gpg-made RSA key parses and its signatures verify", "[interop][gpg]") {
    if (!mixtasy::testing::oracle_available("gpg")) return;
    GpgHome home;
    REQUIRE(run(home.gpg("--quick-gen-key 'Rsa Made <rsa@made.example>' rsa2048 cert,sign never "
                         "2>/dev/null"))
                .status == 0);
    const auto fpr_out = run(home.gpg("--with-colons --list-keys rsa@made.example 2>/dev/null"));
    const std::string fpr = field(colon_lines(fpr_out.out, "fpr").at(0), 9);
    REQUIRE(run(home.gpg("--quick-add-key " + fpr + " rsa2048 encr 2d 2>/dev/null")).status == 0);
    const auto pub = run(home.gpg("--export rsa@made.example 2>/dev/null"));
    auto certs = parse_certificates(as_bytes(pub.out));
    INFO((certs ? std::string() : describe(certs.error())));
    REQUIRE(certs);
    const Certificate& c = certs->front();
    CHECK(c.primary.algorithm == PublicKeyAlgorithm::Rsa);
    CHECK(c.primary.rsa_bits() == 2048);
    REQUIRE(c.subkeys.size() == 1);
    CHECK(c.subkeys[0].encryption_capable());
    test::write_file(home.file("r.txt"), "rsa signed\n");
    REQUIRE(run(home.gpg("--detach-sign -o " + quote(home.file("r.sig").string()) + " " +
                         quote(home.file("r.txt").string()) + " 2>/dev/null"))
                .status == 0);
    const Signature sig = first_signature(read_bytes(home.file("r.sig")));
    CHECK(verify_data(sig, c.primary, as_bytes("rsa signed\n")));
    const auto sec = run(home.gpg("--export-secret-keys rsa@made.example 2>/dev/null"));
    auto tsk = parse_secret_certificates(as_bytes(sec.out));
    REQUIRE(tsk);
    Botan::AutoSeeded_RNG rng;
    SignatureParams p;
    p.created = std::max(now(), tsk->front().primary.pub.created);
    auto ours = sign_data(tsk->front().primary, as_bytes("rsa signed\n"), p, rng);
    REQUIRE(ours);
    test::write_file(home.file("r2.sig"), armor_encode(signature_packet(*ours), kLabelSignature));
    const auto verify = run(home.gpg("--verify " + quote(home.file("r2.sig").string()) + " " +
                                     quote(home.file("r.txt").string()) + " 2>&1"));
    INFO(verify.out);
    CHECK(verify.status == 0);
}

TEST_CASE("interop: sq reads our key and we read sq's", "[interop][sq]") {
    if (!mixtasy::testing::oracle_available("sq")) return;
    test::TempDir dir;
    auto path = [&](const char* n) {
        return quote((dir.path() / n).string());
    };
    const SecretCertificate node = fresh_node("mixtasy@sq-interop.example");
    test::write_file(dir.path() / "node.asc", export_public(node.cert));
    const auto inspect = run("sq inspect " + path("node.asc") + " 2>&1");
    INFO(inspect.out);
    REQUIRE(inspect.status == 0);
    CHECK(inspect.out.find(to_hex(node.cert.fingerprint())) != std::string::npos);
    CHECK(inspect.out.find("mixtasy-mode:middleman,exitpublic") != std::string::npos);
    CHECK(inspect.out.find("encryption") != std::string::npos);
    CHECK(inspect.out.find("Invalid") == std::string::npos);

    test::write_file(dir.path() / "plain.txt", "to the mix\n");
    const auto enc = run("sq encrypt --recipient-cert " + path("node.asc") + " --output " +
                         path("msg.pgp") + " " + path("plain.txt") + " 2>&1");
    INFO(enc.out);
    CHECK(enc.status == 0);

    test::write_file(dir.path() / "node.sig", detached_signature(node, as_bytes("to the mix\n")));
    const auto ver = run("sq verify --signer-cert " + path("node.asc") + " --detached " +
                         path("node.sig") + " " + path("plain.txt") + " 2>&1");
    INFO(ver.out);
    CHECK(ver.status == 0);

    REQUIRE(run("sq key generate --userid '<sq@made.example>' --export " + path("sq.key") +
                " 2>/dev/null")
                .status == 0);
    REQUIRE(run("sq key extract-cert --output " + path("sq.cert") + " " + path("sq.key") +
                " 2>/dev/null")
                .status == 0);
    auto cert = read_certificate(read_bytes(dir.path() / "sq.cert"));
    INFO((cert ? std::string() : describe(cert.error())));
    REQUIRE(cert);
    CHECK(cert->user_ids.size() == 1);
    CHECK(valid_encryption_subkeys(*cert, std::chrono::system_clock::now()).size() >= 1);
    auto key = read_secret_certificate(read_bytes(dir.path() / "sq.key"));
    INFO((key ? std::string() : describe(key.error())));
    REQUIRE(key);

    REQUIRE(run("sq sign --detached --signer-key " + path("sq.key") + " --output " +
                path("sq.sig") + " " + path("plain.txt") + " 2>/dev/null")
                .status == 0);
    const Signature sig = first_signature(read_bytes(dir.path() / "sq.sig"));
    // sq signs with its signing subkey: find it by issuer.
    const PublicKey* signer = nullptr;
    for (const auto& s : cert->subkeys)
        if (sig.issuer && s.key.key_id == *sig.issuer) signer = &s.key;
    if (sig.issuer && cert->primary.key_id == *sig.issuer) signer = &cert->primary;
    REQUIRE(signer != nullptr);
    CHECK(verify_data(sig, *signer, as_bytes("to the mix\n")));
}

TEST_CASE("interop: `mixtasy keygen` / `key export` / `inspect` with gpg", "[interop][cli]") {
    const auto mixtasy = std::filesystem::path(MIXTASY_BINARY_DIR) / "cli" / "mixtasy";
    if (!mixtasy::testing::oracle_available("mixtasy (built)", std::filesystem::exists(mixtasy)) ||
        !mixtasy::testing::oracle_available("gpg"))
        return;
    GpgHome gpg;
    test::TempDir dir;
    const std::string bin = quote(mixtasy.string());
    const std::string home = quote((dir.path() / "node").string());
    const auto gen =
        run(bin + " keygen --home " + home +
            " --address mixtasy@cli.example --name 'Cli Node' --modes middleman,exitprivate 2>&1");
    INFO(gen.out);
    REQUIRE(gen.status == 0);
    CHECK(run(bin + " keygen --home " + home + " --address mixtasy@cli.example >/dev/null 2>&1")
              .status == 1);
    CHECK(run(bin + " keygen --home " + quote((dir.path() / "x").string()) +
              " --address nobody --modes relay >/dev/null 2>&1")
              .status == 1);

    const auto exported = run(bin + " key export --home " + home);
    REQUIRE(exported.status == 0);
    CHECK(exported.out.rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----", 0) == 0);
    test::write_file(gpg.file("cli.asc"), exported.out);
    REQUIRE(
        run(gpg.gpg("--import " + quote(gpg.file("cli.asc").string()) + " 2>/dev/null")).status ==
        0);
    const auto listing = run(gpg.gpg("--with-colons --list-keys mixtasy@cli.example 2>/dev/null"));
    const auto subs = colon_lines(listing.out, "sub");
    REQUIRE(subs.size() == 1);
    CHECK(field(subs[0], 11) == "e");
    CHECK(std::stoul(field(subs[0], 6)) - std::stoul(field(subs[0], 5)) == 2 * 24 * 3600);

    const auto secret = run(bin + " key export --secret --home " + home);
    REQUIRE(secret.status == 0);
    CHECK(secret.out.rfind("-----BEGIN PGP PRIVATE KEY BLOCK-----", 0) == 0);

    const auto inspect =
        run(bin + " inspect " + quote((dir.path() / "node" / "public.asc").string()) + " 2>&1");
    CHECK(inspect.status == 0);
    CHECK(inspect.out.find("mixtasy-mode:middleman,exitprivate") != std::string::npos);
    test::write_file(dir.path() / "bad.pgp", std::string("\xcd\x05"
                                                         "ab",
                                                         4));
    const auto bad = run(bin + " inspect " + quote((dir.path() / "bad.pgp").string()) + " 2>&1");
    CHECK(bad.status == 3);
    CHECK(bad.out.find("truncated at offset 0") != std::string::npos);
    CHECK(run(bin + " inspect < " + quote((dir.path() / "node" / "public.asc").string()) +
              " >/dev/null 2>&1")
              .status == 0);
    CHECK(run(bin + " inspect " + quote((dir.path() / "absent").string()) + " >/dev/null 2>&1")
              .status == 1);
}

TEST_CASE("interop: a missing oracle fails under CI, skips elsewhere, never passes",
          "[interop][oracle]") {
    using mixtasy::testing::check_oracle;
    using mixtasy::testing::OracleCheck;
    CHECK(check_oracle(false, "true") == OracleCheck::Fail);
    CHECK(check_oracle(false, "TRUE") == OracleCheck::Fail);
    CHECK(check_oracle(false, "1") == OracleCheck::Fail);
    CHECK(check_oracle(false, "yes") == OracleCheck::Fail);
    CHECK(check_oracle(false, nullptr) == OracleCheck::Skip);
    CHECK(check_oracle(false, "") == OracleCheck::Skip);
    CHECK(check_oracle(false, "false") == OracleCheck::Skip);
    CHECK(check_oracle(true, "true") == OracleCheck::Present);
    CHECK(check_oracle(true, nullptr) == OracleCheck::Present);
}
