// chronicle: the one binary. Subcommands are dispatched here; each lives in
// its own command_*.cpp.
#include <cstdio>
#include <string_view>

#include "commands.hpp"

namespace {

constexpr const char* kUsage = R"(chronicle: an event-sourced CRM backend

usage: chronicle COMMAND [flags]

commands:
  audit verify   walk the event log and check its hash chain
  backup         take an online, consistent copy of a data dir
  demo           a short tour of the event log
  serve          run the HTTP/WebSocket server
  replay         rebuild read models, show a stream as of a time, export history
Run 'chronicle COMMAND --help' for the flags of one command.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace chronicle::app;
  if (argc < 2) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string_view command = argv[1];
  const Args args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (command == "audit") return RunAudit(args);
  if (command == "backup") return RunBackup(args);
  if (command == "demo") return RunDemo(args);
  if (command == "serve") return RunServe(args);
  if (command == "replay") return RunReplay(args);
  std::fprintf(stderr, "chronicle: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
