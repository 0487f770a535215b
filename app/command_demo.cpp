#include <chrono>
#include <cstdio>

#include "chronicle/base/hex.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/eventstore/verify.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "cli_flags.hpp"
#include "commands.hpp"

namespace chronicle::app {
namespace {

eventstore::NewEvent Event(std::string type, std::string payload) {
  eventstore::NewEvent e;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.metadata.actor = "demo";
  return e;
}

}  // namespace

// chronicle demo --data-dir DIR: a short tour of the event log.
int RunDemo(const Args& args) {
  const std::vector<FlagSpec> specs = {
      {"data-dir", "CHRONICLE_DATA_DIR", "./data", "the data directory"}};
  auto flags = Flags::Parse(specs, args);
  if (!flags.ok() || flags->help()) {
    if (!flags.ok()) std::fprintf(stderr, "chronicle demo: %s\n", flags.status().message().c_str());
    std::fputs(FlagsHelp("chronicle demo --data-dir DIR", specs).c_str(), stdout);
    return flags.ok() ? 0 : 2;
  }
  const std::string dir = projections::LogDir(flags->Get("data-dir")).string();
  auto opened = eventstore::EventStore::Open({}, dir);
  if (!opened.ok()) {
    std::fprintf(stderr, "chronicle demo: %s\n", opened.status().message().c_str());
    return 1;
  }
  auto& store = **opened;
  const std::uint64_t before = store.LastPosition();
  auto subscription = store.Subscribe(before + 1);
  if (!subscription.ok()) return 1;

  const std::string lead = "lead-demo-" + std::to_string(before);
  using eventstore::ExpectedVersion;
  auto created =
      store.Append(lead, ExpectedVersion::NoStream(),
                   {Event("LeadCreated", R"({"name":"张伟","company":"上海某某科技有限公司"})")});
  auto converted = store.Append(lead, ExpectedVersion::Exact(0),
                                {Event("LeadConverted", R"({"customer_id":"customer-demo"})")});
  auto stale = store.Append(lead, ExpectedVersion::Exact(0), {Event("LeadTransferred", "{}")});
  if (!created.ok() || !converted.ok()) {
    std::fprintf(stderr, "append failed: %s\n",
                 (created.ok() ? converted.status() : created.status()).ToString().c_str());
    return 1;
  }
  std::printf("appended %s at positions %llu..%llu (fsynced)\n", lead.c_str(),
              static_cast<unsigned long long>(created->first_position),
              static_cast<unsigned long long>(converted->last_position));
  std::printf("a stale writer is refused: %s\n", stale.status().ToString().c_str());

  auto live = (*subscription)->Next(10, std::chrono::seconds(1));
  if (live.ok()) {
    for (const auto& e : *live) {
      std::printf("subscriber got #%llu %s v%llu %s\n", static_cast<unsigned long long>(e.position),
                  e.type.c_str(), static_cast<unsigned long long>(e.version), e.payload.c_str());
    }
  }
  subscription->reset();
  opened->reset();
  auto report = eventstore::VerifyLog(dir);
  if (!report.ok()) {
    std::printf("verify: %s\n", report.status().message().c_str());
    return 1;
  }
  std::printf("log verifies: ok %llu events, head %s\n",
              static_cast<unsigned long long>(report->events),
              HexEncode(report->head_hash).c_str());
  return 0;
}

}  // namespace chronicle::app
