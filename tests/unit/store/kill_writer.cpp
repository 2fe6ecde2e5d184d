// SPDX-License-Identifier: BSD-2-Clause
// kill_writer.cpp - the victim of the kill test (kill_test.cpp).
//
// usage: store_kill_writer DB FIRST [nocheck]
// Opens the store, puts rows left in `sending` back (as the daemon does at
// startup; only claims older than 2 s, since other writers run beside it),
// writes "open\n", then loops forever: enqueue message FIRST+i with its replay
// entry (hash "k-<n>", next_hop "k-<n>") in one transaction and, only after
// the commit returned, write "<n>\n" to stdout with write(2), unbuffered.
// Every third message it also claims one random ready row and marks it sent
// (which deletes it and counts "sent"), so kills land in every kind of write
// transaction.  Exits 2 if the store
// fails in any way other than being killed.  `nocheck` skips the quick_check
// of open (the test uses it for the kills aimed at commits, to spend its
// time budget there).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <unistd.h>

#include "store/open.h"
#include "store/store.h"
#include "tests/unit/kill_victim.h"

using namespace mixtasy;
using namespace mixtasy::store;
using mixtasy::testing::say;

namespace {

int fail(const char* what, const StoreError& error) {
    return testing::store_failure("store_kill_writer", what, error);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && !(argc == 4 && std::string(argv[3]) == "nocheck")) {
        std::fprintf(stderr, "usage: store_kill_writer DB FIRST [nocheck]\n");
        return 2;
    }
    SqliteOptions options;
    options.path = argv[1];
    options.busy_timeout = std::chrono::milliseconds(10000);
    options.check_on_open = argc == 3;
    long long first = std::strtoll(argv[2], nullptr, 10);
    auto opened = open_sqlite(options);
    if (!opened) return fail("open", opened.error());
    Store& store = **opened;
    // Several writers share the file: recover only claims no live writer can
    // still hold (claims use the real clock; a send here takes microseconds).
    if (auto recovered = store.recover_sending(std::time(nullptr) - 2); !recovered)
        return fail("recover", recovered.error());
    if (!say("open\n")) return 2;

    std::mt19937_64 engine(static_cast<std::uint64_t>(first));
    UniformIndex uniform = [&](std::uint64_t bound) {
        return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(engine);
    };
    Bytes blob(512, 0x42);
    const StatDelta sent_counter[] = {{"sent", 1}};
    for (long long n = first;; ++n) {
        std::string name = "k-" + std::to_string(n);
        NewPoolItem item;
        item.next_hop = name;
        item.envelope_from = "mixtasy@node.example";
        item.bytes = blob;
        item.enqueued_at = 1000;
        item.next_attempt_at = 1000;
        item.give_up_at = 999999;
        StatDelta pooled[] = {{"pooled", 1}};
        auto id = store.enqueue_with_replay({as_bytes(name), 999999, 1000}, item, pooled);
        if (!id) return fail("enqueue", id.error());
        if (!say(std::to_string(n) + "\n")) return 2;
        if (n % 3 == 0) {
            UnixTime now = std::time(nullptr);
            auto claimed = store.claim_random_ready(now, 1, uniform);
            if (!claimed) return fail("claim", claimed.error());
            for (const auto& row : *claimed)
                if (auto sent = store.mark_sent(row.id, now, sent_counter); !sent)
                    return fail("mark_sent", sent.error());
        }
    }
}
