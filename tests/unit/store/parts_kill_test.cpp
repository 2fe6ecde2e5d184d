// SPDX-License-Identifier: BSD-2-Clause
// parts_kill_test.cpp - SIGKILL a writer of multipart sets at random
// moments and check that no complete set is ever left behind unhanded: the
// last part and the hand-out are one transaction (issue 11, High 6).
//
// The writer is store_parts_kill_writer (parts_kill_writer.cpp).  First
// the old two-step way is killed exactly between its steps, to show what
// the check below catches; then the one-transaction way is killed 200 times, 0-100 ms after it
// opened the store, anywhere.
#include <chrono>
#include <fcntl.h>
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
    std::set<long long> acknowledged;
    std::string failure;
};

// Spawns the writer, waits for `marker` in its output (10 s at most), then
// `delay`, kills it and returns the sets it acknowledged.
Run run_and_kill(const std::string& db, long long first, bool twostep, std::string_view marker,
                 std::chrono::microseconds delay) {
    Run run;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Run{{}, "pipe2"};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    std::string program = MIXTASY_STORE_PARTS_KILL_WRITER, db_arg = db,
                first_arg = std::to_string(first), mode = "twostep";
    char* argv[] = {program.data(), db_arg.data(), first_arg.data(),
                    twostep ? mode.data() : nullptr, nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        return Run{{}, "posix_spawn"};
    }
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (out.find(marker) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{fds[0], POLLIN, 0};
        if (::poll(&pfd, 1, 100) <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    if (out.find(marker) == std::string::npos) run.failure = "no '" + std::string(marker) + "'";
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
        run.failure = "writer exited on its own: " + out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;)
        out.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    std::size_t start = 0;
    for (std::size_t nl = out.find('\n'); nl != std::string::npos; nl = out.find('\n', start)) {
        const std::string line = out.substr(start, nl - start);
        start = nl + 1;
        if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos)
            run.acknowledged.insert(std::stoll(line));
    }
    return run;
}

// Complete sets still in the buffer: what nothing would ever hand out.
std::int64_t stranded_sets(RawDb& raw) {
    return raw.scalar(
        "SELECT count(*) FROM (SELECT mixtasy_id FROM parts GROUP BY mixtasy_id"
        " HAVING count(*) = max(total))");
}

}  // namespace

TEST_CASE("parts kill: two transactions strand a complete set when killed between them",
          "[store][kill]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    { open_store(db); }
    Run run = run_and_kill(db, 0, true, "between 0\n", std::chrono::microseconds(0));
    REQUIRE(run.failure.empty());
    RawDb raw(db);
    CHECK(stranded_sets(raw) == 1);  // complete, its last replay entry burnt, never handed out
    CHECK(raw.scalar("SELECT count(*) FROM replay WHERE CAST(hash AS TEXT) = 'p-0-3'") == 1);
    CHECK(raw.scalar("SELECT count(*) FROM pool") == 0);
}

TEST_CASE("parts kill: 200 kills of add_part_and_complete never strand a set", "[store][kill]") {
    TempDir dir;
    const std::string db = dir.file("node.db");
    { open_store(db); }
    std::random_device device;
    const std::uint32_t seed = device();
    INFO("seed " << seed);
    std::mt19937 engine(seed);
    std::uniform_int_distribution<int> delay_us(0, 100000);
    std::set<long long> acknowledged;
    std::vector<std::string> failures;
    for (int k = 0; k < 200; ++k) {
        Run run = run_and_kill(db, static_cast<long long>(k) * 1000000, false, "open\n",
                               std::chrono::microseconds(delay_us(engine)));
        if (!run.failure.empty()) failures.push_back(run.failure);
        acknowledged.insert(run.acknowledged.begin(), run.acknowledged.end());
    }
    for (const auto& failure : failures) FAIL_CHECK("failure: " << failure);
    INFO("acknowledged sets " << acknowledged.size());
    RawDb raw(db);
    // The kills did land among commits, and inside sets.
    CHECK(acknowledged.size() > 20);
    CHECK(raw.scalar("SELECT count(DISTINCT mixtasy_id) FROM parts") > 20);
    CHECK(stranded_sets(raw) == 0);
    // Every set whose last part was committed is in the pool exactly once
    // and has left the buffer; no set is in the pool that was not complete.
    CHECK(raw.scalar("SELECT count(*) FROM (SELECT next_hop FROM pool GROUP BY next_hop"
                     " HAVING count(*) > 1)") == 0);
    CHECK(raw.scalar("SELECT count(*) FROM pool p WHERE EXISTS"
                     " (SELECT 1 FROM parts WHERE mixtasy_id = p.next_hop)") == 0);
    CHECK(raw.scalar("SELECT count(*) FROM replay WHERE CAST(hash AS TEXT) LIKE 'p-%-3'") ==
          raw.scalar("SELECT count(*) FROM pool"));
    for (long long n : acknowledged) {
        const std::string set = "set-" + std::to_string(n);
        INFO(set);
        CHECK(raw.scalar("SELECT count(*) FROM pool WHERE next_hop = '" + set + "'") == 1);
    }
    CHECK(open_store(db)->integrity_check());
}
