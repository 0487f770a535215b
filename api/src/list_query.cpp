#include "list_query.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "request_parsing.hpp"

namespace chronicle::api {
namespace {

const std::set<std::string, std::less<>> kReserved = {
    "limit", "cursor", "sort", "q", "scope", "min_position", "as_of", "as_of_position"};
const std::set<std::string, std::less<>> kOps = {"ne", "gt", "gte", "lt", "lte", "in", "contains"};
constexpr const char* kTextFields[] = {"name", "username", "mobile", "phone", "email", "company"};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The text a filter compares against: strings as they are, numbers and
// booleans in JSON form, arrays match if any element does.
std::vector<std::string> Texts(const Json* v) {
  if (v == nullptr || v->is_null()) return {""};
  if (v->is_string()) return {v->as_string()};
  if (v->is_array()) {
    std::vector<std::string> out;
    for (const auto& item : v->as_array()) {
      auto t = Texts(&item);
      out.insert(out.end(), t.begin(), t.end());
    }
    return out;
  }
  return {v->Dump()};
}

// The one text a value sorts and compares by: the first of Texts, and ""
// for an empty array (a user without roles, a role without permissions).
std::string SortText(const Json* v) {
  auto texts = Texts(v);
  return texts.empty() ? std::string() : std::move(texts.front());
}

// Numbers compare numerically, everything else as text (RFC 3339 sorts as text).
int Compare(const Json* v, const std::string& value) {
  if (v != nullptr && v->is_number()) {
    try {
      double rhs = std::stod(value);
      double lhs = v->as_double();
      return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
    } catch (const std::exception&) {
    }
  }
  const std::string lhs = SortText(v);
  return lhs < value ? -1 : lhs > value ? 1 : 0;
}

bool MatchOne(const Json* v, const std::string& op, const std::string& value) {
  auto texts = Texts(v);
  if (op == "eq") return std::find(texts.begin(), texts.end(), value) != texts.end();
  if (op == "ne") return std::find(texts.begin(), texts.end(), value) == texts.end();
  if (op == "in") {
    std::size_t start = 0;
    while (start <= value.size()) {
      auto comma = value.find(',', start);
      std::string item = value.substr(start, comma - start);
      if (std::find(texts.begin(), texts.end(), item) != texts.end()) return true;
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return false;
  }
  if (op == "contains") {
    const std::string needle = Lower(value);
    return std::any_of(texts.begin(), texts.end(), [&](const std::string& t) {
      return Lower(t).find(needle) != std::string::npos;
    });
  }
  const int c = Compare(v, value);
  if (op == "gt") return c > 0;
  if (op == "gte") return c >= 0;
  if (op == "lt") return c < 0;
  return c <= 0;  // lte
}

const Json* FieldOf(const Json& record, const std::string& field) {
  if (field.starts_with("custom.")) {
    const Json* custom = record.Find("custom");
    return custom != nullptr ? custom->Find(field.substr(7)) : nullptr;
  }
  return record.Find(field);
}

}  // namespace

Result<ListQuery> ListQuery::Parse(const Request& request) {
  ListQuery q;
  if (auto limit = request.Query("limit")) {
    auto n = ParseCount("limit", *limit, 500);
    if (!n.ok() || *n < 1) {
      return InvalidArgumentError("limit must be an integer from 1 to 500").WithParameter("limit");
    }
    q.limit_ = static_cast<std::size_t>(*n);
  }
  if (auto cursor = request.Query("cursor")) {
    auto offset = cursor->starts_with('o')
                      ? ParseCount("cursor", cursor->substr(1), std::uint64_t{1} << 40)
                      : Result<std::uint64_t>(InvalidArgumentError("bad cursor"));
    if (!offset.ok()) {
      return InvalidArgumentError("cursor is not one this server issued").WithParameter("cursor");
    }
    q.offset_ = static_cast<std::size_t>(*offset);
  }
  if (auto sort = request.Query("sort")) {
    std::string_view rest = *sort;
    if (rest.empty()) {
      return InvalidArgumentError("sort must name a field").WithParameter("sort");
    }
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string_view key = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const bool desc = !key.empty() && key.front() == '-';
      if (desc) key.remove_prefix(1);
      if (key.empty()) {
        return InvalidArgumentError("sort must be field names, each optionally prefixed by -")
            .WithParameter("sort");
      }
      q.sort_.emplace_back(std::string(key), desc);
    }
  }
  if (auto text = request.Query("q")) q.q_ = std::string(*text);
  for (const auto& [key, value] : request.query) {
    if (kReserved.contains(key)) continue;
    Filter f{key, "eq", value};
    if (auto dot = key.rfind('.'); dot != std::string::npos && kOps.contains(key.substr(dot + 1))) {
      f.field = key.substr(0, dot);
      f.op = key.substr(dot + 1);
    }
    if (f.field.empty()) {
      return InvalidArgumentError("empty filter field in '" + key + "'").WithParameter(key);
    }
    q.filters_.push_back(std::move(f));
  }
  return q;
}

bool ListQuery::Matches(const Json& record) const {
  for (const auto& f : filters_) {
    if (!MatchOne(FieldOf(record, f.field), f.op, f.value)) return false;
  }
  if (!q_.empty()) {
    bool any = false;
    for (const char* field : kTextFields) any = any || MatchOne(record.Find(field), "contains", q_);
    if (!any) return false;
  }
  return true;
}

void ListQuery::Sort(std::vector<Json>& records) const {
  std::stable_sort(records.begin(), records.end(), [this](const Json& a, const Json& b) {
    for (const auto& [field, desc] : sort_) {
      const Json* va = FieldOf(a, field);
      const std::string tb = SortText(FieldOf(b, field));
      int c = Compare(va, tb);
      if (va != nullptr && va->is_number() && FieldOf(b, field) != nullptr &&
          FieldOf(b, field)->is_number()) {
        const double x = va->as_double();
        const double y = FieldOf(b, field)->as_double();
        c = x < y ? -1 : x > y ? 1 : 0;
      }
      if (c != 0) return desc ? c > 0 : c < 0;
    }
    return false;  // stable: keeps id (creation) order
  });
}

Json ListQuery::PageOf(std::vector<Json> items, std::size_t total) const {
  Json out = Json::MakeObject();
  Json array = Json::MakeArray();
  for (auto& item : items) array.Push(std::move(item));
  out.Set("items", std::move(array));
  const std::size_t end = offset_ + items.size();
  if (end < total) out.Set("next_cursor", "o" + std::to_string(end));
  out.Set("total", static_cast<std::int64_t>(total));
  return out;
}

Json ListQuery::Page(std::vector<Json> records) const {
  Json out = Json::MakeObject();
  Json items = Json::MakeArray();
  const std::size_t end = std::min(records.size(), offset_ + limit_);
  for (std::size_t i = offset_; i < end; ++i) items.Push(std::move(records[i]));
  out.Set("items", std::move(items));
  if (end < records.size()) out.Set("next_cursor", "o" + std::to_string(end));
  out.Set("total", static_cast<std::int64_t>(records.size()));
  return out;
}

}  // namespace chronicle::api
