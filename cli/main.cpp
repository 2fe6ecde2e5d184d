// SPDX-License-Identifier: BSD-2-Clause
// mixtasy - client and admin tool of mixtasy-milter.
//
// Dispatches to the subcommands of commands.h.  Any exception that escapes a
// subcommand is a bug or an unexpected environment failure: it is reported in
// one line and exits with status 1, never with a core dump.
#include <exception>
#include <iostream>

#include "cli/commands.h"
#include "common/build_config.h"
#include "cli/exit_status.h"

int main(int argc, char** argv) {
    using namespace mixtasy::cli;
    CLI::App app{"mixtasy: build, inspect and process Mixtasy v1 messages; manage node keys"};
    app.set_version_flag("-V,--version", std::string("mixtasy ") + mixtasy::build::kVersion);
    app.require_subcommand(1);
    add_keygen(app);
    add_key(app);
    add_inspect(app);
    add_create(app);
    add_process(app);
    add_dir(app);
    add_send(app);
    add_mixmaster(app);
    add_stats(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "mixtasy: " << e.what() << "\n";
        return kExitUsage;
    }
    return exit_status();
}
