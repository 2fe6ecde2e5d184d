// SPDX-License-Identifier: BSD-2-Clause
// daemon_check.cpp - see daemon_check.h.
#include "milter/daemon_check.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <optional>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/keys/key_home.h"
#include "core/keys/mix_key.h"
#include "milter/daemon.h"

namespace mixtasy::milter {
namespace {

struct Who {
    uid_t uid;
    gid_t gid;
    std::string name;
};

// The user the daemon runs as after start-up: UserID, or the starting one.
std::optional<Who> runtime_user(const Config& config, std::vector<std::string>& problems) {
    if (config.user_id.empty()) return Who{::geteuid(), ::getegid(), "the starting user"};
    const auto colon = config.user_id.find(':');
    const std::string user = config.user_id.substr(0, colon);
    const passwd* pw = ::getpwnam(user.c_str());
    if (pw == nullptr) {
        problems.push_back("UserID: no such user '" + user + "'");
        return std::nullopt;
    }
    Who who{pw->pw_uid, pw->pw_gid, user};
    if (colon != std::string::npos) {
        const std::string group = config.user_id.substr(colon + 1);
        const ::group* gr = ::getgrnam(group.c_str());
        if (gr == nullptr) {
            problems.push_back("UserID: no such group '" + group + "'");
            return std::nullopt;
        }
        who.gid = gr->gr_gid;
    }
    return who;
}

// mode_bits: 4 read, 2 write, 1 execute/search, as for access(2).
bool may(const struct stat& st, const Who& who, unsigned mode_bits) {
    if (who.uid == 0) return true;
    unsigned bits = st.st_mode & 07;
    if (st.st_uid == who.uid) bits = (st.st_mode >> 6) & 07;
    else if (st.st_gid == who.gid) bits = (st.st_mode >> 3) & 07;
    return (bits & mode_bits) == mode_bits;
}

std::string dir_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::optional<struct stat> stat_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return st;
}

void check_home(const Config& config, const Who& who, std::vector<std::string>& problems) {
    const std::string& home = config.node.home;
    auto st = stat_of(home);
    if (!st) {
        problems.push_back("Home " + home + ": " + std::strerror(errno) +
                           " (make the key with: mixtasy keygen --home " + home + ")");
        return;
    }
    auto secret = stat_of(home + "/secret.asc");
    if (secret && secret->st_uid == 0 && who.uid != 0) {
        problems.push_back("Home " + home + ": secret.asc belongs to root (keygen run as root?); " +
                           "fix: chown -R " + config.user_id + " " + home);
    } else if (!may(*st, who, 5) || (secret && !may(*secret, who, 4))) {
        problems.push_back("Home " + home + ": not readable by " + who.name);
    }
    auto cert = core::load_node_certificate(home);
    if (!cert) {
        problems.push_back("Home " + home + ": no node key readable here: " + cert.error().detail);
        return;
    }
    if (auto mix = core::check_mix_key(*cert); !mix)
        problems.push_back("Home " + home + ": the node key is not a Mixtasy key: " +
                           mix.error().detail);
}

void check_writable_dir(const std::string& what, const std::string& file, const Who& who,
                        std::vector<std::string>& problems) {
    const std::string dir = dir_of(file);
    auto st = stat_of(dir);
    if (!st) {
        problems.push_back(what + " " + file + ": directory " + dir + ": " + std::strerror(errno));
        return;
    }
    if (!may(*st, who, 3)) {
        problems.push_back(what + " " + file + ": directory " + dir + " is not writable by " +
                           who.name);
        return;
    }
    if (auto f = stat_of(file); f && !may(*f, who, 6))
        problems.push_back(what + " " + file + ": not writable by " + who.name);
}

void check_socket_dir(const Config& config, std::vector<std::string>& problems) {
    const std::string path = unix_socket_path(config.socket);
    if (path.empty()) return;
    const std::string dir = dir_of(path);
    if (stat_of(dir) || stat_of(dir_of(dir))) return;
    problems.push_back("Socket " + config.socket + ": neither " + dir + " nor " + dir_of(dir) +
                       " exists");
}

void check_sendmail(const Config& config, std::vector<std::string>& problems) {
    if (config.reinject_url.rfind("sendmail:", 0) != 0) return;
    const std::string path = config.reinject_url.substr(9);
    auto st = stat_of(path);
    if (!st) {
        problems.push_back("ReinjectURL " + config.reinject_url + ": " + std::strerror(errno));
    } else if (!S_ISREG(st->st_mode) || ::access(path.c_str(), X_OK) != 0) {
        problems.push_back("ReinjectURL " + config.reinject_url + ": not an executable file");
    }
}

}  // namespace

std::vector<std::string> startup_problems(const Config& config, bool check_node_key) {
    std::vector<std::string> problems;
    const auto who = runtime_user(config, problems);
    if (who) {
        if (check_node_key) check_home(config, *who, problems);
        const std::string db = config.node.database.empty() ? config.node.home + "/node.db"
                                                            : config.node.database;
        check_writable_dir("Database", db, *who, problems);
    }
    if (!config.pid_file.empty()) {
        const Who starter{::geteuid(), ::getegid(), "the starting user"};
        check_writable_dir("PidFile", config.pid_file, starter, problems);
    }
    check_socket_dir(config, problems);
    check_sendmail(config, problems);
    return problems;
}

}  // namespace mixtasy::milter
