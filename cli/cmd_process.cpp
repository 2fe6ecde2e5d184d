// mixtasy process: not yet implemented; its owner replaces this file.
#include <iostream>

#include "cli/commands.h"

namespace mixtasy::cli {
void add_process(CLI::App& app) {
    auto* sub = app.add_subcommand("process", "(not yet implemented)");
    sub->allow_extras();
    sub->callback([] {
        std::cerr << "mixtasy process: not yet implemented\n";
        set_exit_status(kExitUsage);
    });
}
}  // namespace mixtasy::cli
