#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>

#include "chronicle/base/time.hpp"
#include "chronicle/replay/replay.hpp"
#include "cli_flags.hpp"
#include "commands.hpp"

namespace chronicle::app {
namespace {

constexpr const char* kUsage = R"(usage: chronicle replay SUBCOMMAND [flags]

subcommands:
  rebuild --data-dir DIR [--projection NAME]   drop and rebuild read models from the log
  show    --data-dir DIR --stream S [--as-of T] a stream's events and the state they fold to
  export  --data-dir DIR [--from N] [--to M] --format jsonl
                                               the operation history, one event per line with its hash
  digest  --data-dir DIR                       a checksum per read model, to compare data dirs
Run against a data dir no server is using.
)";

int Fail(const char* sub, const Status& status) {
  std::fprintf(stderr, "chronicle replay %s: %s\n", sub, status.message().c_str());
  return 1;
}

std::optional<Flags> ParseOr(const char* sub, const std::vector<FlagSpec>& specs, const Args& args,
                             int& exit_code) {
  auto flags = Flags::Parse(specs, args);
  if (!flags.ok()) {
    std::fprintf(stderr, "chronicle replay %s: %s\n\n%s", sub, flags.status().message().c_str(),
                 kUsage);
    exit_code = 2;
    return std::nullopt;
  }
  if (flags->help()) {
    std::fputs(kUsage, stdout);
    exit_code = 0;
    return std::nullopt;
  }
  return std::move(flags).value();
}

}  // namespace

int RunReplay(const Args& all) {
  if (all.empty() || all[0] == "--help" || all[0] == "-h") {
    std::fputs(kUsage, all.empty() ? stderr : stdout);
    return all.empty() ? 2 : 0;
  }
  const std::string sub(all[0]);
  const Args args(all.begin() + 1, all.end());
  const FlagSpec data_dir{"data-dir", "CHRONICLE_DATA_DIR", "./data", "the data directory"};
  int exit_code = 0;

  if (sub == "rebuild") {
    auto flags = ParseOr("rebuild", {data_dir, {"projection", "", "", "only this read model"}},
                         args, exit_code);
    if (!flags) return exit_code;
    std::optional<std::string> only;
    if (flags->Has("projection")) only = flags->Get("projection");
    const auto started = std::chrono::steady_clock::now();
    auto last_print = started;
    std::uint64_t total = 0;
    Status s =
        replay::Rebuild(flags->Get("data-dir"), only,
                        [&](const std::string& name, std::uint64_t applied, std::uint64_t last) {
                          total = applied;
                          const auto now = std::chrono::steady_clock::now();
                          if (now - last_print < std::chrono::milliseconds(500) && applied != last)
                            return;
                          last_print = now;
                          const double secs = std::chrono::duration<double>(now - started).count();
                          std::fprintf(stderr, "\r%s: %llu/%llu events, %.0f events/s",
                                       name.c_str(), static_cast<unsigned long long>(applied),
                                       static_cast<unsigned long long>(last),
                                       secs > 0 ? static_cast<double>(applied) / secs : 0.0);
                          if (applied == last) std::fputc('\n', stderr);
                        });
    if (!s.ok()) {
      if (s.message().find("lock") != std::string::npos ||
          s.message().find("in use") != std::string::npos) {
        std::fprintf(
            stderr,
            "a running server owns this data dir: rebuild online with\n"
            "  POST /api/v1/admin/rebuild {\"projection\": \"NAME\"} (super administrator)\n");
      }
      return Fail("rebuild", s);
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("rebuilt %s to position %llu in %.2f s\n", only.value_or("all read models").c_str(),
                static_cast<unsigned long long>(total), secs);
    return 0;
  }
  if (sub == "digest") {
    auto flags = ParseOr("digest", {data_dir}, args, exit_code);
    if (!flags) return exit_code;
    auto lines = replay::Digest(flags->Get("data-dir"));
    if (!lines.ok()) return Fail("digest", lines.status());
    for (const auto& line : *lines) std::printf("%s\n", line.c_str());
    return 0;
  }
  if (sub == "show") {
    auto flags = ParseOr("show",
                         {data_dir,
                          {"stream", "", "", "the stream, e.g. user-0193..."},
                          {"as-of", "", "", "RFC 3339 time (default: now)"}},
                         args, exit_code);
    if (!flags) return exit_code;
    if (flags->Get("stream").empty()) {
      std::fprintf(stderr, "chronicle replay show: --stream is required\n");
      return 2;
    }
    std::int64_t as_of = std::numeric_limits<std::int64_t>::max();
    if (!flags->Get("as-of").empty()) {
      auto t = ParseTimestamp(flags->Get("as-of"));
      if (!t) {
        std::fprintf(stderr, "chronicle replay show: --as-of must be an RFC 3339 time\n");
        return 2;
      }
      as_of = *t;
    }
    Status s = replay::Show(flags->Get("data-dir"), flags->Get("stream"), as_of, std::cout);
    std::cout.flush();
    return s.ok() ? 0 : Fail("show", s);
  }
  if (sub == "export") {
    auto flags = ParseOr("export",
                         {data_dir,
                          {"from", "", "1", "first position"},
                          {"to", "", "", "last position (default: the end)"},
                          {"format", "", "jsonl", "jsonl (the only format)"}},
                         args, exit_code);
    if (!flags) return exit_code;
    if (flags->Get("format") != "jsonl") {
      std::fprintf(stderr, "chronicle replay export: --format must be jsonl\n");
      return 2;
    }
    std::uint64_t from = 1;
    std::uint64_t to = std::numeric_limits<std::uint64_t>::max();
    try {
      from = std::stoull(flags->Get("from"));
      if (!flags->Get("to").empty()) to = std::stoull(flags->Get("to"));
    } catch (const std::exception&) {
      std::fprintf(stderr, "chronicle replay export: --from/--to must be positions\n");
      return 2;
    }
    Status s = replay::ExportJsonl(flags->Get("data-dir"), from, to, std::cout);
    std::cout.flush();
    return s.ok() ? 0 : Fail("export", s);
  }
  std::fprintf(stderr, "chronicle replay: unknown subcommand '%s'\n\n%s", sub.c_str(), kUsage);
  return 2;
}

}  // namespace chronicle::app
