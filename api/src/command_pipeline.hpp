#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/domain/department.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/domain/role.hpp"
#include "chronicle/domain/user.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::api {

// Binds one domain aggregate namespace for the pipeline.
#define CHRONICLE_BIND_AGGREGATE(Name, ns)                                                       \
  struct Name {                                                                                  \
    using State = domain::ns::State;                                                             \
    using Command = domain::ns::Command;                                                         \
    using Event = domain::ns::Event;                                                             \
    static auto Decide(const State& s, const Command& c, std::int64_t now) {                     \
      return domain::ns::Decide(s, c, now);                                                      \
    }                                                                                            \
    static State Evolve(State s, const Event& e) { return domain::ns::Evolve(std::move(s), e); } \
    static auto Decode(std::string_view type, const Json& p) {                                   \
      return domain::ns::DecodeEvent(type, p);                                                   \
    }                                                                                            \
    static Json Encode(const Event& e) { return domain::ns::EncodeEvent(e); }                    \
    static std::string_view Type(const Event& e) { return domain::ns::EventType(e); }            \
  }
CHRONICLE_BIND_AGGREGATE(DepartmentAggregate, department);
CHRONICLE_BIND_AGGREGATE(UserAggregate, user);
CHRONICLE_BIND_AGGREGATE(RoleAggregate, role);
#undef CHRONICLE_BIND_AGGREGATE

// Any entity declared by a field table: its business actions decide the
// events themselves (domain/lifecycle.hpp, pool.hpp), so the command is the
// list of events and Decide only passes it through.
struct RecordAggregate {
  const domain::EntitySpec* spec = nullptr;
  using State = domain::record::State;
  using Event = domain::record::Event;
  using Command = std::vector<Event>;
  static Result<std::vector<Event>> Decide(const State& /*state*/, const Command& events,
                                           std::int64_t /*now*/) {
    return events;
  }
  static State Evolve(State s, const Event& e) { return domain::record::Evolve(std::move(s), e); }
  [[nodiscard]] Result<Event> Decode(std::string_view type, const Json& p) const {
    return domain::record::DecodeEvent(*spec, type, p);
  }
  static Json Encode(const Event& e) { return domain::record::EncodeEvent(e); }
  [[nodiscard]] std::string Type(const Event& e) const {
    return domain::record::EventType(*spec, e);
  }
};

struct CommandOutcome {
  std::uint64_t position = 0;  // of the last event appended (or the stream's last, if none)
  std::uint64_t version = 0;   // the stream's version afterwards
  bool appended = false;       // false: the command changed nothing
};

template <class Aggregate>
struct Loaded {
  typename Aggregate::State state;
  std::optional<std::uint64_t> version;  // nullopt: no stream
  std::uint64_t last_position = 0;
};

// Folds a stream into its aggregate state.
template <class Aggregate>
Result<Loaded<Aggregate>> LoadAggregate(eventstore::EventStore& store, const std::string& stream,
                                        const Aggregate& aggregate = Aggregate{}) {
  Loaded<Aggregate> loaded;
  for (std::uint64_t from = 0;;) {
    CHRONICLE_ASSIGN_OR_RETURN(auto events, store.ReadStreamForward(stream, from, 1024));
    for (const auto& e : events) {
      CHRONICLE_ASSIGN_OR_RETURN(Json payload, ParseJson(e.payload));
      CHRONICLE_ASSIGN_OR_RETURN(auto event, aggregate.Decode(e.type, payload));
      loaded.state = aggregate.Evolve(std::move(loaded.state), event);
      loaded.version = e.version;
      loaded.last_position = e.position;
    }
    if (events.size() < 1024) break;
    from = events.back().version + 1;
  }
  return loaded;
}

// One command, end to end: load the aggregate from its stream, decide,
// append with the exact expected version. On a concurrent change the command
// is re-decided once against the new state; with If-Match (`if_match`) a
// stale version is final: kAborted with the current version (HTTP 412).
template <class Aggregate>
Result<CommandOutcome> RunCommand(
    eventstore::EventStore& store, const std::string& stream, std::optional<std::uint64_t> if_match,
    const std::function<Result<typename Aggregate::Command>(const typename Aggregate::State&)>&
        make,
    const eventstore::EventMetadata& metadata, const Aggregate& aggregate = Aggregate{}) {
  for (int attempt = 0;; ++attempt) {
    CHRONICLE_ASSIGN_OR_RETURN(auto loaded, LoadAggregate<Aggregate>(store, stream, aggregate));
    if (if_match && loaded.version != if_match) {
      const std::int64_t current = loaded.version ? static_cast<std::int64_t>(*loaded.version) : -1;
      return AbortedError("the record is at version " + std::to_string(current) +
                          ", If-Match asked for " + std::to_string(*if_match))
          .WithCurrentVersion(current);
    }
    CHRONICLE_ASSIGN_OR_RETURN(auto command, make(loaded.state));
    CHRONICLE_ASSIGN_OR_RETURN(auto events,
                               aggregate.Decide(loaded.state, command, NowNs() / 1'000'000));
    if (events.empty()) {
      return CommandOutcome{loaded.last_position, loaded.version.value_or(0), false};
    }
    std::vector<eventstore::NewEvent> records;
    for (const auto& event : events) {
      eventstore::NewEvent record;
      record.type = std::string(aggregate.Type(event));
      record.payload = aggregate.Encode(event).Dump();
      record.metadata = metadata;
      records.push_back(std::move(record));
    }
    auto expected = loaded.version ? eventstore::ExpectedVersion::Exact(*loaded.version)
                                   : eventstore::ExpectedVersion::NoStream();
    auto appended = store.Append(stream, expected, std::move(records));
    if (appended.ok()) return CommandOutcome{appended->last_position, appended->last_version, true};
    if (appended.status().code() != StatusCode::kAborted || if_match || attempt >= 1) {
      return appended.status();
    }
  }
}

}  // namespace chronicle::api
