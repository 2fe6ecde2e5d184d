// SPDX-License-Identifier: BSD-2-Clause
// enc_vec.h - the known-answer reader of cryptob's tests.
//
// A .vec file is a list of sections: "[kind]" starts one, "name = value"
// lines fill it, "#" lines are comments.  Adding a case is adding lines of
// data, not code (the Botan habit).  hex() decodes a value.
#pragma once

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <botan/hex.h>

#include "common/bytes.h"

namespace enc_test {

struct VecCase {
    std::string kind;
    std::map<std::string, std::string> fields;
    const std::string& at(const std::string& k) const { return fields.at(k); }
    mixtasy::Bytes hex(const std::string& k) const { return Botan::hex_decode(fields.at(k)); }
};

inline std::string data_path(const std::string& rel) {
    return std::string(MIXTASY_TEST_DATA) + "/crypto/enc/" + rel;
}

inline std::vector<VecCase> read_vec(const std::string& rel) {
    std::ifstream in(data_path(rel));
    if (!in) throw std::runtime_error("missing vector file " + rel);
    std::vector<VecCase> out;
    std::string line;
    auto trim = [](std::string s) {
        const auto b = s.find_first_not_of(" \t\r");
        const auto e = s.find_last_not_of(" \t\r");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        if (line.front() == '[' && line.back() == ']') {
            out.push_back({line.substr(1, line.size() - 2), {}});
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos || out.empty())
            throw std::runtime_error("bad vec line: " + line);
        out.back().fields[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return out;
}

inline std::vector<uint8_t> read_file(const std::string& rel) {
    std::ifstream in(data_path(rel), std::ios::binary);
    if (!in) throw std::runtime_error("missing data file " + rel);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace enc_test

// ---- keys made by GnuPG (make_fixtures.sh) ---------------------------------
#include "crypto/key_packet.h"
#include "crypto/packet.h"

namespace enc_test {

// Every secret key and subkey packet of a binary transferable secret key, in
// file order (primary first), read with the packet-level parser only.
inline std::vector<mixtasy::crypto::SecretKey> secret_keys_of(const std::vector<uint8_t>& bytes,
                                                              const std::string& rel) {
    using namespace mixtasy::crypto;
    std::vector<SecretKey> keys;
    PacketReader reader(bytes);
    for (;;) {
        auto p = reader.next();
        if (!p) throw std::runtime_error("bad key file " + rel + ": " + describe(p.error()));
        if (!*p) break;
        if ((*p)->tag != Tag::SecretKey && (*p)->tag != Tag::SecretSubkey) continue;
        auto key = parse_secret_key((*p)->body(), (*p)->body_offset);
        if (!key)
            throw std::runtime_error("bad secret key in " + rel + ": " + describe(key.error()));
        keys.push_back(std::move(*key));
    }
    return keys;
}

inline std::vector<mixtasy::crypto::SecretKey> load_secret_keys(const std::string& rel) {
    return secret_keys_of(read_file(rel), rel);
}

}  // namespace enc_test
