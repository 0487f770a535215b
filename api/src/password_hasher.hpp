#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "chronicle/base/result.hpp"

namespace chronicle::api {

// Argon2id (libargon2), memory-hard. Encoded hashes carry their parameters,
// so raising the cost later keeps old hashes verifiable.
// CPU-heavy: call only from worker threads, never from I/O threads.
class PasswordHasher {
 public:
  struct Cost {
    std::uint32_t time = 2;
    std::uint32_t memory_kib = 19 * 1024;  // OWASP's Argon2id minimum
    std::uint32_t parallelism = 1;
  };
  explicit PasswordHasher(Cost cost) : cost_(cost) {}

  [[nodiscard]] Result<std::string> Hash(std::string_view password) const;
  [[nodiscard]] bool Verify(std::string_view encoded, std::string_view password) const;
  // Spends what a real Verify spends, for logins of unknown users: response
  // time must not reveal which usernames exist.
  void VerifyNothing(std::string_view password) const;

 private:
  Cost cost_;
  mutable std::once_flag dummy_once_;
  mutable std::string dummy_;  // a hash at the same cost, made on first use
};

}  // namespace chronicle::api
