#include <cstdio>

#include "chronicle/base/hex.hpp"
#include "chronicle/eventstore/verify.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "cli_flags.hpp"
#include "commands.hpp"

namespace chronicle::app {

// chronicle audit verify --data-dir DIR
// Prints "ok N events, head HASH" (exit 0) or the first broken position (exit 1).
int RunAudit(const Args& args) {
  const std::vector<FlagSpec> specs = {
      {"data-dir", "CHRONICLE_DATA_DIR", "./data", "the data directory to verify"}};
  const char* usage = "chronicle audit verify --data-dir DIR";
  if (args.empty() || args[0] != "verify") {
    std::fputs(FlagsHelp(usage, specs).c_str(),
               args.empty() || args[0] == "--help" ? stdout : stderr);
    return args.empty() || args[0] != "--help" ? 2 : 0;
  }
  auto flags = Flags::Parse(specs, Args(args.begin() + 1, args.end()));
  if (!flags.ok()) {
    std::fprintf(stderr, "chronicle audit verify: %s\n", flags.status().message().c_str());
    return 2;
  }
  if (flags->help()) {
    std::fputs(FlagsHelp(usage, specs).c_str(), stdout);
    return 0;
  }
  auto report =
      eventstore::VerifyLog(projections::LogDir(flags->Get("data-dir")), [](std::uint64_t n) {
        std::fprintf(stderr, "verified %llu events...\n", static_cast<unsigned long long>(n));
      });
  if (!report.ok()) {
    std::printf("BROKEN %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("ok %llu events, head %s\n", static_cast<unsigned long long>(report->events),
              HexEncode(report->head_hash).c_str());
  return 0;
}

}  // namespace chronicle::app
