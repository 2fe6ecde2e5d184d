// SPDX-License-Identifier: BSD-2-Clause
// make_mix_message.cpp - test helper: a real Mixtasy v1 message through a
// path of mixes, made by core's creator, for the miltertest and Postfix
// harnesses (the real node has to peel it).
//
//   make_mix_message KEYS_FILE PATH TO OUT [TAG]
//     KEYS_FILE  armored public keys of every mix on the path, concatenated
//     PATH       comma-separated mix addresses, first hop first
//     TO         final recipient (the original message's To:)
//     OUT        where the first part's message is written (CRLF)
//     TAG        text put in the original's Subject and body (distinct
//                messages for distinct tags)
// Exit 0, or 1 with one line on stderr.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/keys/keyring.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"

int main(int argc, char** argv) {
    using namespace mixtasy;
    if (argc < 5) {
        std::cerr << "usage: make_mix_message KEYS_FILE PATH TO OUT [TAG]\n";
        return 1;
    }
    std::ifstream keys_in(argv[1], std::ios::binary);
    std::stringstream keys;
    keys << keys_in.rdbuf();
    const core::KeyRing ring = core::KeyRing::parse(keys.str());
    std::vector<std::string> path;
    std::stringstream list(argv[2]);
    for (std::string hop; std::getline(list, hop, ',');) path.push_back(hop);
    const std::string tag = argc > 5 ? argv[5] : "test";
    const std::string original = "From: alice@outside.test\r\nTo: " + std::string(argv[3]) +
                                 "\r\nSubject: " + tag + "\r\nMessage-ID: <" + tag +
                                 "@orig.test>\r\n\r\nOriginal message " + tag + ".\r\n";
    core::SystemClock clock;
    core::SystemRandom random;
    auto made = core::create_messages(ring, path, as_bytes(original), clock.now(), random);
    if (!made) {
        std::cerr << "make_mix_message: " << made.error() << "\n";
        return 1;
    }
    std::ofstream out(argv[4], std::ios::binary);
    const Bytes& msg = made->front().message;
    out.write(reinterpret_cast<const char*>(msg.data()), static_cast<std::streamsize>(msg.size()));
    return out ? 0 : 1;
}
