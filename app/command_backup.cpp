#include <cstdio>
#include <filesystem>

#include "chronicle/base/hex.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/eventstore/verify.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "cli_flags.hpp"
#include "commands.hpp"

namespace chronicle::app {

// chronicle backup --data-dir DIR --to DIR2
// A consistent RocksDB checkpoint, then a verification of the copy.
int RunBackup(const Args& args) {
  const std::vector<FlagSpec> specs = {
      {"data-dir", "CHRONICLE_DATA_DIR", "./data", "the data directory to copy"},
      {"to", "CHRONICLE_BACKUP_TO", "", "the new directory for the copy (must not exist)"}};
  const char* usage = "chronicle backup --data-dir DIR --to DIR2";
  auto flags = Flags::Parse(specs, args);
  if (!flags.ok() || flags->help() || flags->Get("to").empty()) {
    if (!flags.ok())
      std::fprintf(stderr, "chronicle backup: %s\n", flags.status().message().c_str());
    std::fputs(FlagsHelp(usage, specs).c_str(), flags.ok() && flags->help() ? stdout : stderr);
    return flags.ok() && flags->help() ? 0 : 2;
  }
  // Never create an empty log here: a mistyped path must fail, not "succeed".
  if (!std::filesystem::exists(projections::LogDir(flags->Get("data-dir")) / "CURRENT")) {
    std::fprintf(stderr, "chronicle backup: no event log in %s\n", flags->Get("data-dir").c_str());
    return 1;
  }
  auto store = eventstore::EventStore::Open({}, projections::LogDir(flags->Get("data-dir")));
  if (!store.ok()) {
    std::fprintf(stderr, "chronicle backup: %s\n", store.status().message().c_str());
    if (store.status().message().find("in use by another process") != std::string::npos) {
      std::fprintf(
          stderr,
          "a running server owns this data dir: back it up through the server with\n"
          "  POST /api/v1/admin/backup {\"to\": \"/absolute/new/dir\"} (super administrator)\n");
    }
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(flags->Get("to"), ec);  // the checkpoint makes only the leaf
  if (Status s = (*store)->Backup(projections::LogDir(flags->Get("to"))); !s.ok()) {
    std::fprintf(stderr, "chronicle backup: %s\n", s.message().c_str());
    return 1;
  }
  store->reset();
  auto report = eventstore::VerifyLog(projections::LogDir(flags->Get("to")));
  if (!report.ok()) {
    std::fprintf(stderr, "chronicle backup: the copy does not verify: %s\n",
                 report.status().message().c_str());
    return 1;
  }
  std::printf("backup ok: %llu events, head %s, in %s\n",
              static_cast<unsigned long long>(report->events), HexEncode(report->head_hash).c_str(),
              flags->Get("to").c_str());
  return 0;
}

}  // namespace chronicle::app
