// SPDX-License-Identifier: BSD-2-Clause
// openpgp_cfb.cpp - see openpgp_cfb.h.
#include "crypto/openpgp_cfb.h"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include <botan/block_cipher.h>
#include <botan/cipher_mode.h>
#include <botan/mem_ops.h>

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
std::unique_ptr<Botan::Cipher_Mode> make_cfb(const CipherSpec& spec, std::span<const uint8_t> key,
                                             std::span<const uint8_t> iv, Botan::Cipher_Dir dir) {
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

// CFB decryption in place.  Unlike encryption it has no feedback from its
// own output: plaintext block i is C[i] xor E(C[i-1]), with C[-1] the IV.
// So the keystream of many blocks is one multi-block call of the cipher
// over the ciphertext shifted by one block, which keeps AES-NI's pipeline
// full; Botan 2's CFB mode enciphers one block at a time (391 MiB/s
// against 4 GiB/s for the bare cipher on this machine, see
// crypto/README.md).  The chunks go from the end to the start, so every
// ciphertext block a chunk needs is still intact when it is read.  The
// result is exactly CFB's: tests compare it with Botan's mode.
void cfb_decrypt(const Botan::BlockCipher& cipher, std::span<const uint8_t> iv,
                 std::span<uint8_t> buf) {
    const size_t bs = cipher.block_size();
    constexpr size_t kChunkBytes = 4096;  // a multiple of every block size
    std::array<uint8_t, kChunkBytes> stream;
    std::array<uint8_t, 16> first_input{};  // the IV (one block, at most 16 bytes), or zero
    std::copy_n(iv.begin(), std::min(iv.size(), first_input.size()), first_input.begin());

    const size_t last_chunk = buf.empty() ? 0 : (buf.size() - 1) / kChunkBytes * kChunkBytes;
    for (size_t pos = last_chunk;; pos -= kChunkBytes) {
        const size_t n = std::min(kChunkBytes, buf.size() - pos);
        const size_t blocks = (n + bs - 1) / bs;
        if (pos == 0) {
            cipher.encrypt(first_input.data(), stream.data());
            if (blocks > 1) cipher.encrypt_n(buf.data(), stream.data() + bs, blocks - 1);
        } else {
            cipher.encrypt_n(buf.data() + pos - bs, stream.data(), blocks);
        }
        Botan::xor_buf(buf.data() + pos, stream.data(), n);
        if (pos == 0) break;
    }
    Botan::secure_scrub_memory(stream.data(), stream.size());
}

std::unique_ptr<Botan::BlockCipher> keyed_cipher(const CipherSpec& spec,
                                                 std::span<const uint8_t> key) {
    auto cipher = Botan::BlockCipher::create_or_throw(std::string(spec.botan_name));
    cipher->set_key(key.data(), key.size());
    return cipher;
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
    cfb_decrypt(*keyed_cipher(spec, key), {}, buf);
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
    // The resync IV is ciphertext: the rest is decrypted before the head.
    const auto cipher = keyed_cipher(spec, key);
    if (buf.size() > head)
        cfb_decrypt(*cipher, buf.subspan(2, spec.block_length), buf.subspan(head));
    cfb_decrypt(*cipher, {}, buf.first(head));
    return true;
}

}  // namespace mixtasy::crypto
