#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"

// For auditors and analysts: rebuild read models from the log, show any
// stream as it was at any moment, export the operation history.
// All operate on a data dir not in use by a running server.
namespace chronicle::replay {

std::vector<std::string> ProjectionNames();

// Drops and rebuilds read models (all, or the one named) from the whole log.
// `progress` gets (projection, applied, last) now and then.
Status Rebuild(
    const std::filesystem::path& data_dir, const std::optional<std::string>& projection,
    const std::function<void(const std::string&, std::uint64_t, std::uint64_t)>& progress);

// One line per projection: "NAME CHECKPOINT SHA256" over its stored
// documents, so two data dirs' read models can be compared exactly.
Result<std::vector<std::string>> Digest(const std::filesystem::path& data_dir);

// A stream's events up to `as_of_ns` (inclusive) and, for a known entity
// kind, the state they fold to. Human-readable.
Status Show(const std::filesystem::path& data_dir, const std::string& stream, std::int64_t as_of_ns,
            std::ostream& out);

// The operation history: one JSON object per line, positions [from, to],
// with every event's hash and chain. Secrets (password hashes) are redacted.
Status ExportJsonl(const std::filesystem::path& data_dir, std::uint64_t from, std::uint64_t to,
                   std::ostream& out);

}  // namespace chronicle::replay
