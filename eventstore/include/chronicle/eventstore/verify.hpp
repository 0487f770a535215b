#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "chronicle/base/result.hpp"
#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

struct VerifyReport {
  std::uint64_t events = 0;
  Hash head_hash{};
};

// Walks the whole log in `dir` (opened read-only, so it may run beside a
// live server) and checks that positions are gapless from 1, every record
// decodes, sits at its own position, and that its hash chains from the
// previous one. On the first break returns kDataLoss whose message starts
// with "position N: ". `progress`, if set, is called every 65,536 events.
Result<VerifyReport> VerifyLog(const std::filesystem::path& dir,
                               const std::function<void(std::uint64_t)>& progress = {});

}  // namespace chronicle::eventstore
