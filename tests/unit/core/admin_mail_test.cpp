// SPDX-License-Identifier: BSD-2-Clause
// admin_mail_test.cpp - core/node/admin_mail.h: each command's text and
// Subject, the software version from its one constant.
#include "core/node/admin_mail.h"

#include <catch2/catch.hpp>

#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "core/stats/counters.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("admin mail: the text and subject of every command", "[core][admin]") {
    DeterministicRandom random(9);
    const auto key = unit::make_mix_key("mixtasy@mix1.test", {"middleman"}, random, 1700000000);
    AdminInfo info;
    info.address = "mixtasy@mix1.test";
    info.version = kNodeSoftware;
    info.max_original_bytes = 1234567;
    const std::vector<store::StatRow> rows{{100, to_string(Counter::Pooled), 5},
                                           {100, to_string(Counter::Dummy), 2}};
    AdminSources sources{info, key.cert, rows, 99, 100};
    auto text = [&](AdminCommand c) {
        return admin_reply_text(c, sources);
    };
    CHECK(text(AdminCommand::Help).find("remailer-adminkey") != std::string::npos);
    CHECK(text(AdminCommand::Key).find("-----BEGIN PGP PUBLIC KEY BLOCK-----") !=
          std::string::npos);
    CHECK(text(AdminCommand::Conf).find("Max-Original-Size: 1234567\r\n") != std::string::npos);
    CHECK(text(AdminCommand::Conf).find(std::string("Software: ") + kNodeSoftware) !=
          std::string::npos);
    CHECK(text(AdminCommand::Stats).find("       7 ") != std::string::npos);  // 5 + 2 dummies
    CHECK(text(AdminCommand::AdminKey).find("has not published a key") != std::string::npos);
    info.admin_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\r\nOPERATOR\r\n";
    CHECK(text(AdminCommand::AdminKey).find("OPERATOR") != std::string::npos);
    CHECK(admin_reply_subject(AdminCommand::Stats) == "Re: remailer-stats");
}
