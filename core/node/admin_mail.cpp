// SPDX-License-Identifier: BSD-2-Clause
// admin_mail.cpp - one switch over the commands.
#include "core/node/admin_mail.h"

namespace mixtasy::core {

std::string admin_reply_text(AdminCommand command, const AdminSources& sources) {
    switch (command) {
        case AdminCommand::Help: return remailer_help(sources.info);
        case AdminCommand::Key: return remailer_key(sources.cert);
        case AdminCommand::Stats:
            return remailer_stats(sources.stats, sources.first_day, sources.last_day);
        case AdminCommand::Conf: return remailer_conf(sources.info);
        case AdminCommand::AdminKey: return remailer_adminkey(sources.info);
    }
    return remailer_help(sources.info);
}

std::string admin_reply_subject(AdminCommand command) {
    return std::string("Re: ") + to_string(command);
}

}  // namespace mixtasy::core
