// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: what the sender's client reads (core/sender/):
// the original (original.h), the client config (client_config.h) and the
// directory's index (directory.h).  The first byte picks the reader.
// Invariants checked: no crash; every recipient of a prepared original is
// a strict address and its copy starts with its own To line; a directory
// that loads keeps its limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/format/mail_address.h"
#include "core/sender/client_config.h"
#include "core/sender/directory.h"
#include "core/sender/original.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

void original(std::string_view text) {
    auto copies = prepare_originals(as_bytes(text), {});
    if (!copies) return;
    for (const auto& c : *copies) {
        if (!strict_addr_spec(c.recipient)) std::abort();
        const std::string head = "To: " + c.recipient;
        if (std::string_view(as_chars(c.message)).substr(0, head.size()) != head) std::abort();
    }
}

void directory(std::string_view text) {
    auto d = Directory::from_text("/nonexistent", text, "");
    if (!d) return;
    if (d->entries().size() > Directory::kMaxMixes) std::abort();
    if (d->rejected().size() > Directory::kMaxRejected) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 3) {
        case 0: original(text); break;
        case 1: (void)parse_client_config(text); break;
        default: directory(text); break;
    }
    return 0;
}
