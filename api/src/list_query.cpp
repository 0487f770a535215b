#include "list_query.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <stdexcept>

#include "chronicle/json/parse.hpp"
#include "request_parsing.hpp"

namespace chronicle::api {
namespace {

const std::set<std::string, std::less<>> kReserved = {
    "limit", "cursor", "sort", "q", "scope", "min_position", "as_of", "as_of_position"};
const std::set<std::string, std::less<>> kOps = {"ne", "gt", "gte", "lt", "lte", "in", "contains"};

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

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::optional<std::string> Unhex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (char c : hex.substr(i, 2)) {
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else
        return std::nullopt;
    }
    out.push_back(static_cast<char>(v));
  }
  return out;
}

// Orders two values as the sort does: numbers numerically, else by text.
int CompareValues(const Json* a, const Json* b) {
  if (a != nullptr && b != nullptr && a->is_number() && b->is_number()) {
    const double x = a->as_double();
    const double y = b->as_double();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const std::string ta = SortText(a);
  const std::string tb = SortText(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

}  // namespace

Result<ListQuery> ListQuery::Parse(const Request& request, std::span<const std::string_view> fields,
                                   std::span<const std::string_view> search_fields) {
  ListQuery q;
  q.search_fields_.assign(search_fields.begin(), search_fields.end());
  auto known = [&](std::string_view field) {
    return std::find(fields.begin(), fields.end(), field) != fields.end();
  };
  if (auto limit = request.Query("limit")) {
    auto n = ParseCount("limit", *limit, 500);
    if (!n.ok() || *n < 1) {
      return InvalidArgumentError("limit must be an integer from 1 to 500").WithParameter("limit");
    }
    q.limit_ = static_cast<std::size_t>(*n);
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
      if (!known(key)) {
        return InvalidArgumentError("cannot sort by unknown field '" + std::string(key) + "'")
            .WithParameter("sort");
      }
      q.sort_.emplace_back(std::string(key), desc);
    }
  }
  if (auto cursor = request.Query("cursor")) {
    auto text = Unhex(*cursor);
    auto key = text ? ParseJson(*text) : Result<Json>(InvalidArgumentError("bad cursor"));
    if (!key.ok() || !key->is_array() || key->as_array().size() != q.sort_.size() + 1 ||
        !key->as_array().back().is_string()) {
      return InvalidArgumentError("cursor is not one this server issued for this sort")
          .WithParameter("cursor");
    }
    q.cursor_ = *text;
  }
  if (auto text = request.Query("q")) q.q_ = std::string(*text);
  for (const auto& [key, value] : request.query) {
    if (kReserved.contains(key)) continue;
    Filter f{key, "eq", value};
    if (auto dot = key.rfind('.'); dot != std::string::npos) {
      const std::string op = key.substr(dot + 1);
      if (!kOps.contains(op) && op != "eq") {
        return InvalidArgumentError("unknown filter operator '" + op + "'").WithParameter(key);
      }
      f.field = key.substr(0, dot);
      f.op = op;
    }
    if (!known(f.field)) {
      return InvalidArgumentError("cannot filter by unknown field '" + f.field + "'")
          .WithParameter(key);
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
    for (auto field : search_fields_) {
      any = any || MatchOne(record.Find(field), "contains", q_);
    }
    if (!any) return false;
  }
  return true;
}

Result<Json> ListQuery::Page(std::vector<Json> records) const {
  // The row order: the sort keys, then id (ids are time-ordered: creation order).
  auto compare = [this](const Json& a, const Json& b) {
    for (const auto& [field, desc] : sort_) {
      const int c = CompareValues(FieldOf(a, field), FieldOf(b, field));
      if (c != 0) return desc ? -c : c;
    }
    return CompareValues(a.Find("id"), b.Find("id"));
  };
  std::sort(records.begin(), records.end(),
            [&](const Json& a, const Json& b) { return compare(a, b) < 0; });
  std::size_t begin = 0;
  if (!cursor_.empty()) {
    // The cursor row's key as a record, to compare with the same order.
    auto key = ParseJson(cursor_);
    if (!key.ok()) return InvalidArgumentError("bad cursor").WithParameter("cursor");
    Json last = Json::MakeObject();
    for (std::size_t i = 0; i < sort_.size(); ++i) {
      const Json& v = key->as_array()[i];
      if (sort_[i].first.starts_with("custom.")) {
        Json custom = Json::MakeObject();
        custom.Set(sort_[i].first.substr(7), v);
        last.Set("custom", std::move(custom));
      } else {
        last.Set(sort_[i].first, v);
      }
    }
    last.Set("id", key->as_array().back());
    begin = static_cast<std::size_t>(
        std::upper_bound(records.begin(), records.end(), last,
                         [&](const Json& a, const Json& b) { return compare(a, b) < 0; }) -
        records.begin());
  }
  Json out = Json::MakeObject();
  Json items = Json::MakeArray();
  const std::size_t end = std::min(records.size(), begin + limit_);
  for (std::size_t i = begin; i < end; ++i) items.Push(records[i]);
  out.Set("items", std::move(items));
  if (end < records.size() && end > begin) {
    Json key = Json::MakeArray();
    for (const auto& [field, desc] : sort_) {
      const Json* v = FieldOf(records[end - 1], field);
      key.Push(v != nullptr ? *v : Json());
    }
    key.Push(*records[end - 1].Find("id"));
    out.Set("next_cursor", Hex(key.Dump()));
  }
  out.Set("total", static_cast<std::int64_t>(records.size()));
  return out;
}

}  // namespace chronicle::api
