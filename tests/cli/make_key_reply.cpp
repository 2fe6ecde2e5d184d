// SPDX-License-Identifier: BSD-2-Clause
// make_key_reply - the key service's side of seed 004's Key Retrieval, for
// tests/cli only: reads a request mail (as `mixtasy dir request` submitted
// it) on stdin and writes the reply mail to stdout, built by the server's
// own code (core/publish/key_service.h: parse_key_retrieval, key_hmac,
// retrieval_reply) for the key in KEYFILE.  Until the milter answers
// keys@ (issue 12), this is how client_test.py gets a real reply.
//
//   make_key_reply KEYFILE < request.eml > reply.eml
// Exit 0, or 1 with the reason on stderr (a request the service refuses).
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "core/format/mail_header.h"
#include "core/publish/key_service.h"
#include "crypto/armor.h"

using namespace mixtasy;

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_key_reply KEYFILE < request.eml\n";
        return 1;
    }
    const std::string request((std::istreambuf_iterator<char>(std::cin)),
                              std::istreambuf_iterator<char>());
    std::ifstream in(argv[1], std::ios::binary);
    const std::string armored((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    auto header = core::parse_mail_header(request);
    if (!header) {
        std::cerr << "make_key_reply: bad request header\n";
        return 1;
    }
    auto parsed = core::parse_key_retrieval(std::string_view(request).substr(header->body_offset));
    if (!parsed) {
        std::cerr << "make_key_reply: refused: " << parsed.error().reason() << "\n";
        return 1;
    }
    auto key = crypto::to_binary(as_bytes(armored));
    if (!key) {
        std::cerr << "make_key_reply: bad key file\n";
        return 1;
    }
    const auto* from = header->find("From");
    std::cout << "Return-Path: <keys@" << parsed->address.substr(parsed->address.find('@') + 1)
              << ">\r\nTo: <" << (from ? from->value : std::string("unknown")) << ">\r\n"
              << "From: keys@" << parsed->address.substr(parsed->address.find('@') + 1)
              << " (Key Storage Service)\r\n\r\n"
              << core::retrieval_reply(*key, core::key_hmac(parsed->auth, *key));
    return 0;
}
