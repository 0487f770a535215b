#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chronicle/base/result.hpp"

namespace chronicle::projections {

// The document writes of one applied batch.
class DocChanges {
 public:
  void Put(std::string key, std::string value) {
    puts_.emplace_back(std::move(key), std::move(value));
  }
  void Delete(std::string key) { deletes_.push_back(std::move(key)); }
  [[nodiscard]] const auto& puts() const { return puts_; }
  [[nodiscard]] const auto& deletes() const { return deletes_; }
  void Clear() {
    puts_.clear();
    deletes_.clear();
  }

 private:
  std::vector<std::pair<std::string, std::string>> puts_;
  std::vector<std::string> deletes_;
};

// Called with each persisted document (views valid during the call only).
using DocumentVisitor = std::function<Status(std::string_view key, std::string_view document)>;

// Where read models persist: one RocksDB beside the event log
// (DATA_DIR/readmodels). Each projection has its own key space holding its
// documents and its checkpoint, always written in one WriteBatch, so a crash
// never separates state from checkpoint: no event applied twice or skipped.
//
// Thread-safety: all methods may be called concurrently.
class ReadModelStore {
 public:
  static Result<std::unique_ptr<ReadModelStore>> Open(const std::filesystem::path& dir);
  virtual ~ReadModelStore() = default;

  struct Loaded {
    std::uint64_t checkpoint = 0;  // last applied log position
    std::vector<std::pair<std::string, std::string>> documents;
  };
  virtual Result<Loaded> Load(std::string_view projection) = 0;
  // Streams `projection`'s documents in key order to `visit` without holding
  // them all (stops at its first error); returns the checkpoint.
  virtual Result<std::uint64_t> Scan(std::string_view projection, const DocumentVisitor& visit) = 0;
  virtual Status Commit(std::string_view projection, std::uint64_t checkpoint,
                        const DocChanges& changes) = 0;
  // Removes every document and the checkpoint of `projection`.
  virtual Status Drop(std::string_view projection) = 0;
  // Replaces all of `projection`'s documents and its checkpoint in one write.
  virtual Status Replace(std::string_view projection, std::uint64_t checkpoint,
                         const std::map<std::string, std::string>& documents) = 0;
};

}  // namespace chronicle::projections
