// SPDX-License-Identifier: BSD-2-Clause
// parts_kill_writer.cpp - the victim of the multipart kill test
// (parts_kill_test.cpp).
//
// usage: store_parts_kill_writer DB FIRST [twostep]
// Opens the store, writes "open\n", then loops forever over sets FIRST,
// FIRST+1, ...: set n ("set-<n>") has three parts, each stored with its own
// replay entry ("p-<n>-<k>"); the last one completes it into one exit row
// (next_hop "set-<n>").  After the last part's call returned it writes
// "<n>\n" with write(2), unbuffered.  Default: each part through
// add_part_and_complete, one transaction.  `twostep`: the way the node did
// it before, add_part_with_replay and then take_parts_and_enqueue, with
// "between <n>\n" written and a pause of 200 ms between the two, so the
// test can show what a kill there leaves.  Exits 2 on any store failure.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <unistd.h>

#include "store/open.h"
#include "store/store.h"
#include "tests/unit/kill_victim.h"

using namespace mixtasy;
using namespace mixtasy::store;
using mixtasy::testing::say;

namespace {

int fail(const char* what, const StoreError& error) {
    return testing::store_failure("store_parts_kill_writer", what, error);
}

PartsAssembler exit_row(const std::string& set) {
    return [set](const std::vector<Bytes>& parts) -> Result<std::vector<NewPoolItem>> {
        NewPoolItem item;
        item.kind = PoolKind::Exit;
        item.next_hop = set;
        item.envelope_from = "mixtasy@node.example";
        for (const Bytes& p : parts) item.bytes.insert(item.bytes.end(), p.begin(), p.end());
        item.enqueued_at = item.next_attempt_at = 1000;
        item.give_up_at = 999999;
        return std::vector<NewPoolItem>{std::move(item)};
    };
}

// The last part and the hand-out the old way: two transactions.
int two_steps(Store& store, const ReplayEntry& replay, const NewPart& part, long long n) {
    auto added = store.add_part_with_replay(replay, part);
    if (!added) return fail("add_part_with_replay", added.error());
    if (!say("between " + std::to_string(n) + "\n")) return 2;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto taken = store.take_parts_and_enqueue(part.mixtasy_id, 1000, exit_row(part.mixtasy_id));
    if (!taken) return fail("take_parts_and_enqueue", taken.error());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && !(argc == 4 && std::string(argv[3]) == "twostep")) {
        std::fprintf(stderr, "usage: store_parts_kill_writer DB FIRST [twostep]\n");
        return 2;
    }
    const bool twostep = argc == 4;
    SqliteOptions options;
    options.path = argv[1];
    options.busy_timeout = std::chrono::milliseconds(10000);
    options.check_on_open = false;
    const long long first = std::strtoll(argv[2], nullptr, 10);
    auto opened = open_sqlite(options);
    if (!opened) return fail("open", opened.error());
    Store& store = **opened;
    if (!say("open\n")) return 2;

    const std::uint32_t total = 3;
    const Bytes blob(2048, 0x50);
    for (long long n = first;; ++n) {
        const std::string set = "set-" + std::to_string(n);
        for (std::uint32_t k = 1; k <= total; ++k) {
            const std::string hash = "p-" + std::to_string(n) + "-" + std::to_string(k);
            const ReplayEntry replay{as_bytes(hash), 999999, 1000};
            const NewPart part{set, k, total, blob, 999999};
            if (twostep && k == total) {
                if (int rc = two_steps(store, replay, part, n); rc != 0) return rc;
                continue;
            }
            const PartCompletion completion{exit_row(set), {}, 0, {}};
            auto stored = store.add_part_and_complete(replay, part, {}, completion);
            if (!stored) return fail("add_part_and_complete", stored.error());
        }
        if (!say(std::to_string(n) + "\n")) return 2;
    }
}
