// SPDX-License-Identifier: BSD-2-Clause
// exit_kill_sender.cpp - the victim of exit_repeat_test.cpp: an exit node's
// flusher sending its pool to a stand-in MTA, killed at random moments.
//
// usage: exit_kill_sender DB DELIVERIES
// Opens the store (durable, as the daemon does), returns rows left
// "sending" to the pool (Flusher::recover, as at daemon start), writes
// "open\n" to stdout, then runs flush rounds that send every ready row,
// each stamped by the node's ExitStamp.  The "MTA" accepts a message by
// appending one line "<first body line> <Message-ID>\n" to DELIVERIES with
// one write(2) (O_APPEND: a SIGKILL never leaves half a line), after about
// a millisecond of "SMTP"; only then does the flusher mark the row sent.
// Exits 0 when the pool is empty, 2 on any store failure.
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <thread>
#include <unistd.h>

#include "core/node/exit_stamp.h"
#include "core/pool/flusher.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "store/open.h"
#include "tests/unit/kill_victim.h"

using namespace mixtasy;
using namespace mixtasy::core;
using mixtasy::testing::write_all;

namespace {

std::string header_value(std::string_view message, std::string_view name) {
    const std::size_t at = message.find(std::string("\r\n") + std::string(name) + ": ");
    if (at == std::string_view::npos) return "-";
    const std::size_t start = at + 2 + name.size() + 2;
    return std::string(message.substr(start, message.find("\r\n", start) - start));
}

// The MTA: takes a while, then has the message (one appended line).
class AppendingTransport final : public Transport {
public:
    explicit AppendingTransport(int fd) : fd_(fd) {}
    SendResult send(const OutgoingMessage& message) override {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const std::string_view text = as_chars(message.message);
        const std::size_t body = text.find("\r\n\r\n") + 4;
        const std::string token(text.substr(body, text.find("\r\n", body) - body));
        return write_all(fd_, token + " " + header_value(text, "Message-ID") + "\n")
                   ? SendResult::Accepted
                   : SendResult::TempFail;
    }

private:
    int fd_;
};

class NoDummies final : public DummyFactory {
public:
    std::optional<store::NewPoolItem> make_dummy(Random&) override { return std::nullopt; }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: exit_kill_sender DB DELIVERIES\n");
        return 2;
    }
    store::SqliteOptions options;
    options.path = argv[1];
    options.check_on_open = false;  // spend the kills on sending, not on opening
    auto opened = store::open_sqlite(options);
    if (!opened) return 2;
    const int deliveries = ::open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (deliveries < 0) return 2;

    SystemClock clock;
    SystemRandom random;
    NoDummies dummies;
    auto stamp = ExitStamp::create("exit.example");
    FlusherOptions flush;
    flush.pool.min_pool = 0;
    flush.pool.fraction = 1.0;
    flush.dummies.time_triggered_mean = 0;
    flush.dummies.flush_triggered_mean_per_message = 0;
    flush.dummies.flush_triggered_min = 0;
    Flusher flusher(**opened, clock, random, dummies, *stamp, flush);
    if (!flusher.recover()) return 2;
    if (!write_all(STDOUT_FILENO, "open\n")) return 2;
    AppendingTransport mta(deliveries);
    for (;;) {
        auto left = (*opened)->count_ready(to_unix(clock.now()));
        if (!left) return 2;
        if (*left == 0) return 0;
        const FlushReport report = flusher.round(mta);
        if (report.sent == 0 && report.failed == 0) return 2;  // store trouble
    }
}
