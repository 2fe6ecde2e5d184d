// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/store_trouble.h, and of the Node reporting a store that
// fails after it opened (issue 15: degraded mode at run time).
#include "core/node/store_trouble.h"
#include "core/sender/creator.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include "core_test_support.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;
using Code = store::StoreError::Code;

namespace {

std::size_t count_with(const std::vector<std::string>& lines, std::string_view part) {
    std::size_t n = 0;
    for (const std::string& l : lines) n += l.find(part) != std::string::npos ? 1 : 0;
    return n;
}

// Another program holding the database's write lock, as a backup tool or an
// admin's `sqlite3` shell might.
class WriteLockHolder {
public:
    explicit WriteLockHolder(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    }
    ~WriteLockHolder() { release(); }
    void release() {
        if (db_ == nullptr) return;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db_);
        db_ = nullptr;
    }
    WriteLockHolder(const WriteLockHolder&) = delete;
    WriteLockHolder& operator=(const WriteLockHolder&) = delete;

private:
    sqlite3* db_ = nullptr;
};

}  // namespace

TEST_CASE("store trouble: one Error line per interval, one Notice on recovery",
          "[core][store_trouble]") {
    LogCapture log;
    StoreTrouble trouble(60s);
    const Instant t0 = from_unix(1'800'000'000);
    trouble.succeeded();  // nothing was wrong: nothing to say
    trouble.failed({Code::Full, "database or disk is full"}, t0);
    trouble.failed({Code::Full, "database or disk is full"}, t0 + 10s);
    trouble.failed({Code::Full, "database or disk is full"}, t0 + 59s);
    auto lines = log.lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] ==
          "store unavailable (disk-full: database or disk is full): mail to the mix address is "
          "deferred until it is fixed");

    trouble.failed({Code::Full, "database or disk is full"}, t0 + 60s);  // repeats, bounded
    CHECK(log.lines().size() == 2);

    trouble.succeeded();
    trouble.succeeded();
    lines = log.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[2] == "store usable again: mail to the mix address is accepted");

    // A new failure after recovery is reported at once, whatever the interval.
    trouble.failed({Code::ReadOnly, "attempt to write a readonly database"}, t0 + 61s);
    lines = log.lines();
    REQUIRE(lines.size() == 4);
    CHECK(lines[3].find("an admin must act") != std::string::npos);
}

TEST_CASE("node: a store locked after open defers mix mail with one Error line, then recovers",
          "[core][node][store_trouble]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    auto created = create_messages(net.ring, path,
                                   as_bytes(std::string("To: bob@dest.example\r\n"
                                                        "Subject: s\r\n\r\nhi\r\n")),
                                   net.clock->now(), *net.random);
    REQUIRE(created);
    const Bytes message = created->front().message;
    LogCapture log;
    {
        // The lock outlasts the store's busy_timeout (5 s): the commit fails
        // with Busy, the message waits at the sender's MTA.
        WriteLockHolder lock((net.nodes[0].home / "node.db").string());
        const Decision held =
            net.at(mix_address(0))
                .node->accept(Envelope{"someone@sender.example", {mix_address(0)}}, message);
        CHECK(held.kind == Decision::Kind::TempFail);
        CHECK(held.reason == "store-unavailable");
    }
    const auto during = log.lines();
    CHECK(count_with(during, "store unavailable (busy") == 1);
    CHECK(count_with(during, "store usable again") == 0);

    const Decision retried =
        net.at(mix_address(0))
            .node->accept(Envelope{"someone@sender.example", {mix_address(0)}}, message);
    CHECK(retried.kind == Decision::Kind::Pooled);
    CHECK(count_with(log.lines(), "store usable again") == 1);
}
