// SPDX-License-Identifier: BSD-2-Clause
// log_sentence_test.cpp - the one default-level line per mix message reads as
// a plain sentence (issue 15): "QID: mix message pooled, 42356 bytes".
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "core/node/decision.h"
#include "milter/log.h"
#include "milter/message_filter.h"
#include "tests/unit/milter/fakes.h"

using namespace mixtasy;
using namespace mixtasy::milter;
using namespace mixtasy::milter::testing;

namespace {

// The info lines of one mix message of `body` whose node decides `decision`.
std::vector<std::string> info_lines_for(core::Decision decision, const std::string& body) {
    std::vector<std::string> lines;
    log_capture([&](LogLevel level, std::string_view line) {
        if (level >= LogLevel::Info) lines.emplace_back(line);
    });
    FakeNode node;
    node.next = std::move(decision);
    FakeContext ctx;
    MessageFilter f(node, {});
    (void)f.mail_from("<alice@sender.example>");
    (void)f.rcpt_to("<mixtasy@mix.example>");
    (void)f.data();
    (void)f.header(ctx, "Remailer-Type", "Mixtasy v1");
    (void)f.end_of_header(ctx);
    (void)f.body(ctx, as_bytes(body));
    (void)f.end_of_message(ctx);
    log_capture({});
    return lines;
}

}  // namespace

TEST_CASE("log: each mix message gets one plain sentence", "[filter][log]") {
    const std::string body(1000, 'x');
    auto has = [](const std::vector<std::string>& lines, const std::string& tail) {
        for (const auto& l : lines)
            if (l.find("QID123: " + tail) != std::string::npos && l.ends_with(" bytes"))
                return true;
        return false;
    };
    const auto pooled = info_lines_for(core::Decision::pooled(), body);
    CHECK(has(pooled, "mix message pooled, "));
    const auto dropped = info_lines_for(core::Decision::dropped("replay"), body);
    CHECK(has(dropped, "mix message destroyed, "));
    const auto deferred = info_lines_for(core::Decision::tempfail("store-unavailable"), body);
    CHECK(has(deferred, "mix message deferred (store unavailable), "));
    const auto held = info_lines_for(core::Decision::quarantine("not-a-mix-message"), body);
    CHECK(has(held, "mix message quarantined (not a mix message), "));
    for (const auto* lines : {&pooled, &dropped, &deferred, &held}) {
        for (const auto& l : *lines) {
            CHECK(l.find("alice") == std::string::npos);  // never the sender
            CHECK(l.find(": pooled") == std::string::npos);
        }
    }
}

TEST_CASE("log: decision sentences and reason words", "[filter][log]") {
    CHECK(core::log_sentence(core::Decision::pooled(), 42356) == "mix message pooled, 42356 bytes");
    CHECK(core::log_sentence(core::Decision::dropped("dummy"), 7) ==
          "mix message destroyed, 7 bytes");
    CHECK(core::log_sentence(core::Decision::tempfail("internal"), 7) ==
          "mix message deferred (internal error), 7 bytes");
    CHECK(core::reason_words("bad-next-hop") == "bad next hop");
}
