// A request target as the HTTP session sees it: ParseTarget splits and
// percent-decodes it, ParseCount runs on every query value (with and without
// a bound), ListQuery::Parse reads the list conventions, and an accepted
// query filters, sorts and pages a set of rendered records.
//
// Input: the target, optionally followed by "\n" and a JSON array of extra
// records (objects) to filter and sort besides the built-in ones.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/api/http.hpp"
#include "chronicle/base/json.hpp"
#include "chronicle/json/parse.hpp"
#include "count_contract.hpp"
#include "fuzz_check.hpp"
#include "list_query.hpp"
#include "request_parsing.hpp"

namespace {

using chronicle::Json;
using chronicle::StatusCode;

// Records as RenderRecord produces them for the three entity kinds, with
// Chinese text, empty and non-empty arrays, nulls, mixed types and custom fields.
constexpr std::string_view kRecords = R"json([
  {"id": "u-1", "version": 3, "created_at": "2026-11-25T10:00:00.000Z",
   "updated_at": "2026-11-25T10:05:00.000Z", "created_by": "u-admin",
   "username": "13800000000", "name": "张三", "gender": "male",
   "email": "zhangsan@example.com", "department_id": "d-sales", "position": "销售经理",
   "supervisor_id": null, "role_ids": ["r-sales", "r-manager"], "disabled": false},
  {"id": "u-2", "version": 0, "created_at": "2026-11-24T08:00:00.000Z",
   "updated_at": "2026-11-24T08:00:00.000Z", "created_by": "u-admin", "username": "lisi",
   "name": "李四", "email": null, "department_id": "d-top", "role_ids": [], "disabled": true,
   "custom": {"level": 3, "region": "华东"}},
  {"id": "d-sales", "version": 2, "created_at": "2026-11-20T00:00:00.000Z",
   "updated_at": "2026-11-21T00:00:00.000Z", "created_by": "u-admin", "name": "华东销售部",
   "parent_id": "d-top", "sort": 10},
  {"id": "d-top", "version": 0, "created_at": "2026-11-20T00:00:00.000Z",
   "updated_at": "2026-11-20T00:00:00.000Z", "created_by": "system", "name": "办公室",
   "parent_id": null, "sort": -1.5},
  {"id": "r-sales", "version": 1, "created_at": "2026-11-20T00:00:00.000Z",
   "updated_at": "2026-11-22T00:00:00.000Z", "created_by": "u-admin", "name": "销售员",
   "permissions": ["customer.read", "lead.read"], "data_scope": "department", "builtin": true},
  {"id": "r-audit", "version": 0, "created_at": "2026-11-20T00:00:00.000Z",
   "updated_at": "2026-11-20T00:00:00.000Z", "created_by": "u-admin", "name": "审计员",
   "permissions": [], "data_scope": "all", "builtin": true, "sort": "10"}
])json";

std::vector<Json> BuiltInRecords() {
  auto records = chronicle::ParseJson(kRecords);
  CHRONICLE_FUZZ_CHECK(records.ok() && records->is_array(), records.status().ToString());
  return records->as_array();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view target = input.substr(0, newline);
  const std::string_view extra =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);

  chronicle::api::Request request;
  const bool decoded = chronicle::api::ParseTarget(target, request);
  const std::string_view raw_path = target.substr(0, target.find('?'));
  if (raw_path.find('%') == std::string_view::npos) {
    CHRONICLE_FUZZ_CHECK(target.find('%') != std::string_view::npos || decoded, target);
    CHRONICLE_FUZZ_CHECK(request.path == raw_path, target);
  }
  if (!decoded) return 0;  // the session answers 400

  for (const auto& [key, value] : request.query) {
    chronicle::fuzz::CheckCount(key, value, UINT64_MAX);
    chronicle::fuzz::CheckCount(key, value, 500);
  }

  static constexpr std::string_view kFields[] = {
      "id",   "version",   "created_at",  "updated_at", "created_by", "name",
      "sort", "parent_id", "permissions", "data_scope", "builtin"};
  static constexpr std::string_view kSearch[] = {"name"};
  auto query = chronicle::api::ListQuery::Parse(request, kFields, kSearch);
  if (!query.ok()) {
    CHRONICLE_FUZZ_CHECK(query.status().code() == StatusCode::kInvalidArgument, target);
    CHRONICLE_FUZZ_CHECK(query.status().parameter().has_value(), target);
    return 0;
  }
  CHRONICLE_FUZZ_CHECK(query->limit() >= 1 && query->limit() <= 500, target);
  if (auto limit = request.Query("limit")) {
    auto n = chronicle::api::ParseCount("limit", *limit, 500);
    CHRONICLE_FUZZ_CHECK(n.ok() && *n == query->limit(), target);
  } else {
    CHRONICLE_FUZZ_CHECK(query->limit() == 20, target);
  }

  static const std::vector<Json> kBuiltIn = BuiltInRecords();
  std::vector<Json> records = kBuiltIn;
  if (auto more = chronicle::ParseJson(extra); more.ok() && more->is_array()) {
    for (const auto& record : more->as_array()) {
      if (record.is_object() && record.Find("id") != nullptr) records.push_back(record);
    }
  }
  std::vector<Json> matched;
  for (const auto& record : records) {
    if (query->Matches(record)) matched.push_back(record);
  }
  const std::size_t total = matched.size();
  auto page = query->Page(matched);
  if (!page.ok()) {
    CHRONICLE_FUZZ_CHECK(page.status().code() == StatusCode::kInvalidArgument, target);
    return 0;
  }
  const Json* items = page->Find("items");
  CHRONICLE_FUZZ_CHECK(items != nullptr && items->is_array(), target);
  CHRONICLE_FUZZ_CHECK(items->as_array().size() <= query->limit(), target);
  const Json* reported = page->Find("total");
  CHRONICLE_FUZZ_CHECK(reported != nullptr && reported->is_int() &&
                           static_cast<std::size_t>(reported->as_int()) == total,
                       target);
  if (const Json* next = page->Find("next_cursor")) {
    // A client follows next_cursor until it is absent: the next page never
    // repeats a row of this one.
    CHRONICLE_FUZZ_CHECK(next->is_string() && !items->as_array().empty(), target);
    chronicle::api::Request again = request;
    again.query.erase("cursor");
    again.query.emplace("cursor", next->as_string());
    auto following = chronicle::api::ListQuery::Parse(again, kFields, kSearch);
    CHRONICLE_FUZZ_CHECK(following.ok(), target);
    auto next_page = following->Page(std::move(matched));
    CHRONICLE_FUZZ_CHECK(next_page.ok(), target);
    for (const auto& row : next_page->Find("items")->as_array()) {
      for (const auto& seen : items->as_array()) {
        CHRONICLE_FUZZ_CHECK(!(row == seen), target);
      }
    }
  }
  return 0;
}
