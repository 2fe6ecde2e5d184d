// mixtasy inspect: not yet implemented; its owner replaces this file.
#include <iostream>

#include "cli/commands.h"

namespace mixtasy::cli {
void add_inspect(CLI::App& app) {
    auto* sub = app.add_subcommand("inspect", "(not yet implemented)");
    sub->allow_extras();
    sub->callback([] {
        std::cerr << "mixtasy inspect: not yet implemented\n";
        set_exit_status(kExitUsage);
    });
}
}  // namespace mixtasy::cli
