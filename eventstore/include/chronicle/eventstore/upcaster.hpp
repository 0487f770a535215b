#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

// Schema evolution on read. An upcaster turns the payload of (type, schema
// version N) into schema version N+1; the registry applies the chain until
// no upcaster matches, so old events reach code in their newest shape.
// Events of unknown types or versions pass through untouched.
//
// Thread-safety: register everything before the store is opened; reads are
// then concurrent and lock-free.
class UpcasterRegistry {
 public:
  // Returns the payload in schema version `from_version + 1`.
  using Upcaster = std::function<std::string(const std::string& payload)>;

  void Register(std::string type, std::uint16_t from_version, Upcaster upcaster);

  // Rewrites `event` in place to its newest known shape.
  void Upcast(RecordedEvent& event) const;
  [[nodiscard]] bool empty() const { return chain_.empty(); }

 private:
  std::map<std::pair<std::string, std::uint16_t>, Upcaster, std::less<>> chain_;
};

}  // namespace chronicle::eventstore
