// SPDX-License-Identifier: BSD-2-Clause
// kill_test.cpp - SIGKILL a committing writer at random moments, 1000 times,
// and check what survived: every acknowledged message present exactly once
// (pooled, or sent: deleted and counted in the same transaction), no replay
// entry without its pool row unless that row was sent, no pool row without
// its replay entry, integrity_check ok.
//
// The writer is store_kill_writer (kill_writer.cpp).  A message is
// "acknowledged" once the writer printed its number, which it does only
// after its commit returned: exactly the promise the milter makes to the MTA
// when it answers SMFIS_DISCARD after Store::enqueue_with_replay.
// SIGKILL keeps the OS page cache, so this proves atomicity and the
// ordering of commit before acknowledgement, not survival of power loss
// (that is synchronous=FULL's job).
#include <chrono>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <random>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tests/unit/store/store_test_util.h"

extern char** environ;

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

struct Run {
    std::vector<long long> acknowledged;
    std::string failure;  // empty: spawned, killed by our SIGKILL, output read
};

// Spawns the writer, lets it run for `delay`, kills it, returns what it
// acknowledged.  Called from several threads at once, so it reports problems
// in Run::failure instead of Catch2 assertions (which are not thread-safe).
// Reads what the writer wrote so far into `out` until `marker` appears, the
// pipe closes, or 10 s pass.
bool read_until(int fd, std::string& out, std::string_view marker) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (out.find(marker) == std::string::npos) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, 100) <= 0) continue;
        char buffer[4096];
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) return false;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return true;
}

// When the kill lands: `delay` after spawn, or `delay` after the writer said
// it opened the store (so most kills hit the commit loop, not the startup).
enum class From { Spawn, Open };

Run run_and_kill(const std::string& db, long long first, From from,
                 std::chrono::microseconds delay) {
    Run run;
    int fds[2];
    // O_CLOEXEC: no other writer spawned meanwhile inherits our pipe, or our
    // read would never see end of file.
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.failure = "pipe2";
        return run;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);  // its complaints
    std::string first_arg = std::to_string(first);
    std::string program = MIXTASY_STORE_KILL_WRITER;
    std::string db_arg = db;
    std::string nocheck = "nocheck";
    char* argv[] = {program.data(), db_arg.data(), first_arg.data(),
                    from == From::Open ? nocheck.data() : nullptr, nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        run.failure = "posix_spawn";
        return run;
    }

    std::string out;
    if (from == From::Open && !read_until(fds[0], out, "open\n"))
        run.failure = "writer did not open the store";
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) run.failure = "waitpid";
    else if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
        run.failure = "writer exited on its own with status " + std::to_string(status);

    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);

    // Only complete lines count: a number cut off mid-write was never
    // acknowledged.
    std::size_t start = 0;
    for (std::size_t nl = out.find('\n'); nl != std::string::npos; nl = out.find('\n', start)) {
        std::string line = out.substr(start, nl - start);
        start = nl + 1;
        if (line == "open") continue;
        if (line.empty() || line.find_first_not_of("0123456789") != std::string::npos) {
            run.failure = line;  // the writer's own error message
            continue;
        }
        run.acknowledged.push_back(std::stoll(line));
    }
    return run;
}

void verify(const std::string& db, const std::set<long long>& acknowledged) {
    RawDb raw(db);
    // Committed = its replay entry exists (kept until expiry, also after
    // the row was sent and deleted).
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(raw.get(),
                               "SELECT (SELECT count(*) FROM replay WHERE hash = ?1),"
                               " (SELECT count(*) FROM pool WHERE next_hop = ?2)",
                               -1, &st, nullptr) == SQLITE_OK);
    std::size_t missing = 0;
    std::size_t doubled = 0;
    for (long long n : acknowledged) {
        std::string name = "k-" + std::to_string(n);
        sqlite3_bind_blob(st, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name.c_str(), -1, SQLITE_TRANSIENT);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        missing += sqlite3_column_int64(st, 0) == 0;
        doubled += sqlite3_column_int64(st, 1) > 1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    CHECK(missing == 0);
    CHECK(doubled == 0);
    const std::int64_t sent = raw.scalar(
        "SELECT coalesce(sum(value), 0) FROM stats"
        " WHERE counter = 'sent'");
    const std::int64_t rows = raw.scalar("SELECT count(*) FROM pool");
    // A replay entry without its row is exactly a sent row: the delete and
    // its counter are one transaction.
    CHECK(raw.scalar("SELECT count(*) FROM replay r WHERE NOT EXISTS"
                     " (SELECT 1 FROM pool p WHERE p.next_hop = CAST(r.hash AS TEXT))") == sent);
    CHECK(raw.scalar("SELECT count(*) FROM pool p WHERE NOT EXISTS"
                     " (SELECT 1 FROM replay r WHERE CAST(r.hash AS TEXT) = p.next_hop)") == 0);
    CHECK(raw.scalar("SELECT count(*) FROM (SELECT next_hop FROM pool GROUP BY next_hop"
                     " HAVING count(*) > 1)") == 0);
    // The daily counters were incremented in the same transactions as the rows.
    CHECK(raw.scalar("SELECT value FROM stats WHERE counter = 'pooled'") == rows + sent);
    // Acknowledged <= committed: a kill between commit and print loses only
    // the acknowledgement (the MTA would retry; the replay cache catches it).
    CHECK(raw.scalar("SELECT count(*) FROM replay") >=
          static_cast<std::int64_t>(acknowledged.size()));
}

}  // namespace

TEST_CASE("SIGKILL at 1000 random moments loses no acknowledged message", "[store][kill]") {
    TempDir dir;
    std::string db = dir.file("node.db");
    { open_store(db); }  // create it once, so early kills do not race creation

    std::random_device device;
    const std::uint32_t seed = device();
    INFO("seed " << seed);

    // Four lanes of writers run at once on the same file (as several MTA
    // connections do), each spawning and killing its own writer 250 times.
    // A kill lands anywhere from exec through open, WAL recovery, waiting
    // for the write lock, a commit, to the acknowledgement.
    const int lanes = 4;
    const int kills_per_lane = 250;
    std::mutex mutex;
    std::set<long long> acknowledged;
    std::vector<std::string> failures;
    int kills = 0;
    int runs_with_commits = 0;
    bool duplicate_ack = false;
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int lane = 0; lane < lanes; ++lane) {
        threads.emplace_back([&, lane] {
            std::mt19937 engine(seed + static_cast<std::uint32_t>(lane));
            std::uniform_int_distribution<int> spawn_delay_us(0, 60000);
            std::uniform_int_distribution<int> open_delay_us(0, 100000);
            for (int k = 0; k < kills_per_lane; ++k) {
                long long first = (static_cast<long long>(lane) * kills_per_lane + k) * 1000000;
                // One kill in four counts from the spawn, to hit exec, open
                // and WAL recovery; the others from "open", to hit commits.
                bool early = k % 4 == 0;
                auto delay = std::chrono::microseconds(early ? spawn_delay_us(engine)
                                                             : open_delay_us(engine));
                Run run = run_and_kill(db, first, early ? From::Spawn : From::Open, delay);
                std::lock_guard lock(mutex);
                if (!run.failure.empty()) {
                    failures.push_back(run.failure);
                    continue;
                }
                ++kills;
                runs_with_commits += !run.acknowledged.empty();
                for (long long n : run.acknowledged)
                    duplicate_ack |= !acknowledged.insert(n).second;
            }
        });
    }
    for (auto& t : threads) t.join();
    auto elapsed = std::chrono::steady_clock::now() - started;
    INFO("kills " << kills << ", runs with commits " << runs_with_commits << ", acknowledged "
                  << acknowledged.size());
    CHECK(failures.empty());
    for (const auto& failure : failures) FAIL_CHECK("failure: " << failure);
    CHECK_FALSE(duplicate_ack);
    CHECK(kills == lanes * kills_per_lane);
    CHECK(runs_with_commits > 100);             // the kills did hit committing writers
    CHECK(elapsed < std::chrono::seconds(90));  // ~60 s on a loaded 2-core machine
    verify(db, acknowledged);
    auto store = open_store(db);
    CHECK(store->integrity_check());
    CHECK(store->recover_sending());
    WARN("kill test: " << kills << " kills (" << runs_with_commits << " after commits), "
                       << acknowledged.size() << " acknowledged messages, all present once, in "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                       << " ms");
}
