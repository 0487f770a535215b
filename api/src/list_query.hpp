#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/api/http.hpp"
#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

// The list conventions over rendered records, for the organisation lists
// (departments, users, roles: thousands of records at most; field-table
// entities use the tables read model's query engine): field[.op]=value
// filters (eq, ne, gt, gte, lt, lte, in, contains) on the kind's fields,
// q= over its search fields, sort=a,-b, limit (1..500, default 20) and a
// keyset cursor (the last row's sort key and id), so rows inserted while
// paging never shift a page. Unknown fields, operators and malformed
// values are 400 naming the parameter.
class ListQuery {
 public:
  // Query parameters handled elsewhere (scope, min_position) are skipped.
  static Result<ListQuery> Parse(const Request& request, std::span<const std::string_view> fields,
                                 std::span<const std::string_view> search_fields);

  [[nodiscard]] std::size_t limit() const { return limit_; }
  [[nodiscard]] bool Matches(const Json& record) const;
  // {"items", "next_cursor"?, "total"} of the matched records (sorted here).
  [[nodiscard]] Result<Json> Page(std::vector<Json> records) const;

 private:
  struct Filter {
    std::string field;
    std::string op;
    std::string value;
  };
  std::vector<Filter> filters_;
  std::string q_;
  std::vector<std::string_view> search_fields_;
  std::vector<std::pair<std::string, bool>> sort_;  // field, descending; id ascending last
  std::size_t limit_ = 20;
  std::string cursor_;  // decoded: a JSON array of the last row's sort values and id
};

}  // namespace chronicle::api
