#pragma once

#include <filesystem>

namespace chronicle::app {

// The layout of a data directory: the event log (the only source of truth,
// what backup copies and audit verifies) and the rebuildable read models.
inline std::filesystem::path LogDir(const std::filesystem::path& data_dir) {
  return data_dir / "log";
}
inline std::filesystem::path ReadModelDir(const std::filesystem::path& data_dir) {
  return data_dir / "readmodels";
}

}  // namespace chronicle::app
