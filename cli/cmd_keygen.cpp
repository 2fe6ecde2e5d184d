// mixtasy keygen: not yet implemented; its owner replaces this file.
#include <iostream>

#include "cli/commands.h"

namespace mixtasy::cli {
void add_keygen(CLI::App& app) {
    auto* sub = app.add_subcommand("keygen", "(not yet implemented)");
    sub->allow_extras();
    sub->callback([] {
        std::cerr << "mixtasy keygen: not yet implemented\n";
        set_exit_status(kExitUsage);
    });
}
}  // namespace mixtasy::cli
