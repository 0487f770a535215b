#pragma once

#include <string_view>
#include <vector>

namespace chronicle::app {

// Each subcommand takes the arguments after its name and returns the exit code.
using Args = std::vector<std::string_view>;

int RunAudit(const Args& args);
int RunBackup(const Args& args);
int RunDemo(const Args& args);
int RunServe(const Args& args);
int RunReplay(const Args& args);

}  // namespace chronicle::app
