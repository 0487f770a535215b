#pragma once

#include <filesystem>

namespace chronicle::projections {

// The layout of a data directory, known here once: the event log (the only
// source of truth, what backup copies and audit verifies) and the read
// models rebuilt from it.
inline std::filesystem::path LogDir(const std::filesystem::path& data_dir) {
  return data_dir / "log";
}
inline std::filesystem::path ReadModelDir(const std::filesystem::path& data_dir) {
  return data_dir / "readmodels";
}
// Login sessions (hashed tokens) and idempotency answers: server state that
// is not derived from the log, kept so a restart logs nobody out.
inline std::filesystem::path SessionDir(const std::filesystem::path& data_dir) {
  return data_dir / "sessions";
}

}  // namespace chronicle::projections
