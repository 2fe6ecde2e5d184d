// SPDX-License-Identifier: BSD-2-Clause
// Fuzz the exit header sanitizer: any bytes in, either a typed error or a
// message whose every line ends in CRLF and that starts with a From field
// (ours unless the destination opted in), with at most one To and no Cc.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/ascii.h"
#include "core/node/exit_headers.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {
ExitHeaders& policy() {
    static std::unique_ptr<ExitHeaders> p = [] {
        ExitHeaderOptions options;
        options.limits.max_header_bytes = 4096;
        options.limits.max_line_bytes = 512;
        options.limits.max_fields = 64;
        options.limits.max_message_bytes = 64 * 1024;
        options.from_opt_in = {"optin.example"};
        options.allow_reply_to = true;
        return std::move(*ExitHeaders::create(options));
    }();
    return *p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    DeterministicRandom random(size);
    const bool opt_in = size > 0 && (data[0] & 1);
    auto out = policy().sanitize(ByteView(data, size), opt_in ? "a@optin.example" : "a@b.example",
                                 from_unix(1'800'000'000), random);
    if (!out) return 0;
    const std::string_view text = as_chars(*out);
    // Our From, or the original's (any case, any spacing) for an opt-in.
    if (text.size() < 5) std::abort();
    for (std::size_t i = 0; i < 5; ++i) {
        const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
        if (c != "from:"[i]) std::abort();
    }
    if (!opt_in && !text.starts_with("From: ")) std::abort();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) std::abort();
        if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) std::abort();
    }
    // One recipient, one To (exit_mime.h): never a second To, never a Cc.
    const std::string_view header = text.substr(0, text.find("\r\n\r\n") + 2);
    std::size_t to_fields = 0;
    for (std::size_t at = 0; at < header.size(); at = header.find("\r\n", at) + 2) {
        if (ascii::istarts_with(header.substr(at), "to:")) ++to_fields;
        if (ascii::istarts_with(header.substr(at), "cc:")) std::abort();
    }
    if (to_fields > 1) std::abort();
    return 0;
}
