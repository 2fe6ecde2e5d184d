// SPDX-License-Identifier: BSD-2-Clause
// exit_repeat_test.cpp - how often an exit delivers a message twice when
// its sender is SIGKILLed at random moments (issue 11, Medium 6), and that
// every repeat is recognisable by its Message-ID.
//
// exit_kill_sender (exit_kill_sender.cpp) sends a pool of exit rows to a
// stand-in MTA that records each accepted message as one appended line,
// and marks each row sent right after the MTA's yes.  This test kills it
// after a random time, restarts it, and again, until the pool is empty.  A
// repeat is possible only when a kill lands between the MTA's yes and the
// commit of the mark: that window is one commit, never a batch.  Measured
// figure (README): printed by this test, "repeats per kill".
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <poll.h>
#include <random>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "core_test_support.h"

extern char** environ;

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

enum class Ended { Killed, Finished, Failed };

// Runs the sender; kills it `delay` after it said "open" unless it
// finishes first.
Ended run_sender(const std::string& db, const std::string& deliveries,
                 std::chrono::microseconds delay) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Ended::Failed;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    std::string program = MIXTASY_EXIT_KILL_SENDER, db_arg = db, out_arg = deliveries;
    char* argv[] = {program.data(), db_arg.data(), out_arg.data(), nullptr};
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        return Ended::Failed;
    }
    std::string said;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (said.find("open\n") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{fds[0], POLLIN, 0};
        if (::poll(&pfd, 1, 100) <= 0) continue;
        char buffer[64];
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0) break;
        said.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    std::this_thread::sleep_for(delay);
    ::kill(pid, SIGKILL);
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return Ended::Failed;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) return Ended::Killed;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Ended::Finished;
    return Ended::Failed;
}

void pool_exit_rows(const std::string& db, int n) {
    store::SqliteOptions options;
    options.path = db;
    auto store = TempDatabase::open(options);
    const Instant now = from_unix(std::time(nullptr));
    for (int i = 0; i < n; ++i) {
        const std::string text = "Subject: s\r\n\r\nmessage-" + std::to_string(i) + "\r\n";
        store::NewPoolItem row = outgoing(store::PoolKind::Exit, "bob@dest.example",
                                          "mixtasy@exit.example", Bytes(text.begin(), text.end()));
        schedule(row, now, OutboxAges{});
        REQUIRE(store->enqueue(row));
    }
}

}  // namespace

TEST_CASE("exit: repeated SIGKILL of the sender; repeats are rare and keep their Message-ID",
          "[exit][kill]") {
    TempDir dir;
    const std::string db = (dir.path() / "node.db").string();
    const std::string deliveries = (dir.path() / "delivered.txt").string();
    constexpr int messages = 300;
    pool_exit_rows(db, messages);

    std::random_device device;
    const std::uint32_t seed = device();
    INFO("seed " << seed);
    std::mt19937 engine(seed);
    std::uniform_int_distribution<int> delay_us(0, 150000);
    int kills = 0;
    Ended ended = Ended::Killed;
    while (ended == Ended::Killed && kills < 400) {
        ended = run_sender(db, deliveries, std::chrono::microseconds(delay_us(engine)));
        kills += ended == Ended::Killed;
    }
    REQUIRE(ended == Ended::Finished);

    std::map<std::string, std::set<std::string>> ids;  // message -> Message-IDs
    std::map<std::string, int> copies;
    std::ifstream in(deliveries);
    std::string token, id;
    while (in >> token >> id) {
        ids[token].insert(id);
        ++copies[token];
    }
    int repeats = 0;
    for (const auto& [message, n] : copies) repeats += n - 1;
    CHECK(copies.size() == static_cast<std::size_t>(messages));  // none lost
    for (const auto& [message, set] : ids) {
        INFO(message);
        CHECK(set.size() == 1);  // a repeat carries the first Message-ID
        CHECK(set.begin()->ends_with("@exit.example>"));
    }
    const double per_kill = kills > 0 ? static_cast<double>(repeats) / kills : 0.0;
    WARN("exit repeat rate: " << repeats << " repeats in " << messages << " messages over " << kills
                              << " kills (" << per_kill << " per kill, "
                              << 100.0 * repeats / messages << "% of messages)");
    CHECK(kills >= 5);  // the kills did land in the sending
    // At most one row is ever between the MTA's yes and its mark.
    CHECK(repeats <= kills);
}
