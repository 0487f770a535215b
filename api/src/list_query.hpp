#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "chronicle/api/http.hpp"
#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

// The list conventions on rendered records: field[.op]=value filters
// (eq, ne, gt, gte, lt, lte, in, contains), q= over the main text fields,
// sort=a,-b, limit (1..500, default 20) and an opaque cursor.
class ListQuery {
 public:
  // Query parameters handled elsewhere (scope, min_position) are skipped.
  static Result<ListQuery> Parse(const Request& request);

  // Filters, q or sort need every record rendered; without them a page can
  // be cut from the id (creation) order directly.
  [[nodiscard]] bool NeedsRenderedRecords() const {
    return !filters_.empty() || !q_.empty() || !sort_.empty();
  }
  [[nodiscard]] std::size_t offset() const { return offset_; }
  [[nodiscard]] std::size_t limit() const { return limit_; }
  // {"items", "next_cursor"?, "total"} for a page already cut from `total` records.
  [[nodiscard]] Json PageOf(std::vector<Json> items, std::size_t total) const;

  [[nodiscard]] bool Matches(const Json& record) const;
  void Sort(std::vector<Json>& records) const;
  // {"items": page, "next_cursor"?: ..., "total": N} of already matched, sorted records.
  [[nodiscard]] Json Page(std::vector<Json> records) const;

 private:
  struct Filter {
    std::string field;
    std::string op;
    std::string value;
  };
  std::vector<Filter> filters_;
  std::string q_;
  std::vector<std::pair<std::string, bool>> sort_;  // field, descending
  std::size_t limit_ = 20;
  std::size_t offset_ = 0;
};

}  // namespace chronicle::api
