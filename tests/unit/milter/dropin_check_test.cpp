// SPDX-License-Identifier: BSD-2-Clause
// dropin_check_test.cpp - `mixtasy-milter -n` warns when a configured
// feature needs a systemd drop-in that is not installed (issue 16): the
// sendmail: transport vs NoNewPrivileges, a WkdDirectory outside Home vs
// ProtectSystem=strict; the packaged drop-ins themselves satisfy it.
#include "milter/dropin_check.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "tests/unit/temp_dir.h"

using namespace mixtasy::milter;
namespace fs = std::filesystem;

namespace {

const std::string kSystemd = std::string(MIXTASY_TEST_DATA) + "/../../packaging/systemd";

struct Unit {
    mixtasy::testing::TempDir dir;
    DropinPaths paths;
    Unit() {
        paths.units = {(dir.path() / "mixtasy-milter.service").string()};
        paths.dropin_dir = (dir.path() / "mixtasy-milter.service.d").string();
        std::ofstream(paths.units[0]) << "[Service]\nNoNewPrivileges=yes\n";
        fs::create_directory(paths.dropin_dir);
    }
    void dropin(const std::string& name, const std::string& text) const {
        std::ofstream(paths.dropin_dir + "/" + name) << text;
    }
};

Config config_with(const std::string& reinject, const std::string& wkd) {
    Config c;
    c.node.home = "/var/lib/mixtasy-milter";
    c.reinject_url = reinject;
    c.wkd_directory = wkd;
    return c;
}

}  // namespace

TEST_CASE("startup check (-n), drop-ins: which features need one", "[config][check][dropin]") {
    CHECK_FALSE(needs_sendmail_dropin(config_with("smtp://127.0.0.1:10026", "")));
    CHECK(needs_sendmail_dropin(config_with("sendmail:/usr/sbin/sendmail", "")));
    CHECK_FALSE(needs_wkd_dropin(config_with("smtp://x", "")));
    CHECK_FALSE(needs_wkd_dropin(config_with("smtp://x", "/var/lib/mixtasy-milter/wkd")));
    CHECK(needs_wkd_dropin(config_with("smtp://x", "/var/www/html/.well-known/openpgpkey")));
    CHECK(needs_wkd_dropin(config_with("smtp://x", "/var/lib/mixtasy-milter/../www")));
}

TEST_CASE("startup check (-n), drop-ins: a missing one is warned about, once per feature", "[config][check][dropin]") {
    Unit unit;
    auto w = dropin_warnings(config_with("sendmail:/usr/sbin/sendmail", "/srv/wkd"), unit.paths);
    REQUIRE(w.size() == 2);
    CHECK(w[0].find("NoNewPrivileges=no") != std::string::npos);
    CHECK(w[1].find("WkdDirectory /srv/wkd") != std::string::npos);
    CHECK(dropin_warnings(config_with("smtp://127.0.0.1:10026", ""), unit.paths).empty());
    // A drop-in that does not do it does not count.
    unit.dropin("socket.conf", "[Service]\nSupplementaryGroups=postfix\nReadWritePaths=/var/spool/postfix/mixtasy\n");
    unit.dropin("wkd.txt", "[Service]\nReadWritePaths=/srv/wkd\n");  // not *.conf
    CHECK(dropin_warnings(config_with("sendmail:/usr/sbin/sendmail", "/srv/wkd"), unit.paths).size() == 2);
}

TEST_CASE("startup check (-n), drop-ins: the packaged and setup-written drop-ins satisfy it", "[config][check][dropin]") {
    Unit unit;
    std::ifstream packaged(kSystemd + "/sendmail-transport.conf");
    REQUIRE(packaged);
    unit.dropin("sendmail-transport.conf", std::string(std::istreambuf_iterator<char>(packaged), {}));
    // As setup writes it (host_setup.cpp), under any name; a parent counts,
    // with the '-' prefix and among other paths.
    unit.dropin("10-web.conf", "[Service]\nReadWritePaths = /tmp/x -/srv/www\n");
    CHECK(dropin_warnings(config_with("sendmail:/usr/sbin/sendmail", "/srv/www/wkd"), unit.paths).empty());
    auto other = dropin_warnings(config_with("sendmail:/usr/sbin/sendmail", "/srv/wwwx"), unit.paths);
    REQUIRE(other.size() == 1);
    CHECK(other[0].find("WkdDirectory /srv/wwwx") != std::string::npos);
}

TEST_CASE("startup check (-n), drop-ins: no warning where no unit is installed", "[config][check][dropin]") {
    Unit unit;
    unit.paths.units = {(unit.dir.path() / "none.service").string()};
    CHECK(dropin_warnings(config_with("sendmail:/usr/sbin/sendmail", "/srv/wkd"), unit.paths).empty());
}
