#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace chronicle::eventstore {

// The optimistic-concurrency condition of an append.
class ExpectedVersion {
 public:
  enum class Kind : std::uint8_t { kAny, kNoStream, kStreamExists, kExact };

  // No check at all. Never use it on a command path: it defeats concurrency.
  static ExpectedVersion Any() { return ExpectedVersion(Kind::kAny, 0); }
  static ExpectedVersion NoStream() { return ExpectedVersion(Kind::kNoStream, 0); }
  static ExpectedVersion StreamExists() { return ExpectedVersion(Kind::kStreamExists, 0); }
  // The stream's last event has exactly this (0-based) version.
  static ExpectedVersion Exact(std::uint64_t version) {
    return ExpectedVersion(Kind::kExact, version);
  }

  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] std::uint64_t version() const { return version_; }
  // Whether a stream whose last version is `current` (nullopt: no stream) satisfies this.
  [[nodiscard]] bool Matches(std::optional<std::uint64_t> current) const;
  [[nodiscard]] std::string ToString() const;

 private:
  ExpectedVersion(Kind kind, std::uint64_t version) : kind_(kind), version_(version) {}
  Kind kind_;
  std::uint64_t version_;
};

}  // namespace chronicle::eventstore
