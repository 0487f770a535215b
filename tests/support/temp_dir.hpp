#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace chronicle::testing {

// A fresh directory under the system temp dir, removed with its contents on
// destruction. path() itself does not exist until something creates it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    root_ = std::filesystem::temp_directory_path() /
            ("chronicle-test-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(root_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] std::filesystem::path path(const std::string& leaf = "log") const {
    return root_ / leaf;
  }

 private:
  std::filesystem::path root_;
};

}  // namespace chronicle::testing
