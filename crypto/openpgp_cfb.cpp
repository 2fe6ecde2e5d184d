// openpgp_cfb.cpp - see openpgp_cfb.h.
#include "crypto/openpgp_cfb.h"

#include <array>
#include <memory>
#include <string>

#include <botan/cipher_mode.h>

namespace mixtasy::crypto {

namespace {

constexpr std::array<CipherSpec, 9> kCiphers{{
    {2, "TripleDES", 24, 8},
    {3, "CAST-128", 16, 8},
    {7, "AES-128", 16, 16},
    {8, "AES-192", 24, 16},
    {9, "AES-256", 32, 16},
    {10, "Twofish", 32, 16},
    {11, "Camellia-128", 16, 16},
    {12, "Camellia-192", 24, 16},
    {13, "Camellia-256", 32, 16},
}};

// A Botan CFB object keyed and started at `iv` (all zero when iv is empty).
std::unique_ptr<Botan::Cipher_Mode> make_cfb(const CipherSpec& spec,
                                            std::span<const uint8_t> key,
                                            std::span<const uint8_t> iv,
                                            Botan::Cipher_Dir dir) {
    std::string name(spec.botan_name);
    name += "/CFB";
    auto mode = Botan::Cipher_Mode::create_or_throw(name, dir);
    mode->set_key(key.data(), key.size());
    if (iv.empty()) {
        std::array<uint8_t, 16> zero{};
        mode->start(zero.data(), spec.block_length);
    } else {
        mode->start(iv.data(), iv.size());
    }
    return mode;
}

bool usable(const CipherSpec& spec, std::span<const uint8_t> key) {
    return key.size() == spec.key_length;
}

}  // namespace

std::optional<CipherSpec> cipher_spec(uint8_t id) {
    for (const auto& c : kCiphers) {
        if (c.id == id) return c;
    }
    return std::nullopt;
}

bool seipd_encrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf) {
    if (!usable(spec, key)) return false;
    make_cfb(spec, key, {}, Botan::ENCRYPTION)->process(buf.data(), buf.size());
    return true;
}

bool seipd_decrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf) {
    if (!usable(spec, key)) return false;
    make_cfb(spec, key, {}, Botan::DECRYPTION)->process(buf.data(), buf.size());
    return true;
}

// The resync of RFC 4880 13.9 step 9: after the prefix and its two check
// bytes, CFB restarts with ciphertext bytes [2, block + 2) as IV.
bool sed_encrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf) {
    const size_t head = spec.block_length + 2;
    if (!usable(spec, key) || buf.size() < head) return false;
    make_cfb(spec, key, {}, Botan::ENCRYPTION)->process(buf.data(), head);
    if (buf.size() > head) {
        auto rest = make_cfb(spec, key, buf.subspan(2, spec.block_length), Botan::ENCRYPTION);
        rest->process(buf.data() + head, buf.size() - head);
    }
    return true;
}

bool sed_decrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf) {
    const size_t head = spec.block_length + 2;
    if (!usable(spec, key) || buf.size() < head) return false;
    // The resync IV is ciphertext: build that mode before decrypting in place.
    std::unique_ptr<Botan::Cipher_Mode> rest;
    if (buf.size() > head) {
        rest = make_cfb(spec, key, buf.subspan(2, spec.block_length), Botan::DECRYPTION);
    }
    make_cfb(spec, key, {}, Botan::DECRYPTION)->process(buf.data(), head);
    if (rest) rest->process(buf.data() + head, buf.size() - head);
    return true;
}

}  // namespace mixtasy::crypto
