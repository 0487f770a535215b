#include "table_values.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "chronicle/base/time.hpp"
#include "chronicle/json/parse.hpp"

namespace chronicle::projections::tables {
namespace {

using domain::FieldType;

enum Tag : std::uint8_t {
  kNullTag = 0,
  kBoolTag = 1,
  kIntTag = 2,
  kMoneyTag = 3,
  kTimeTag = 4,
  kSymTag = 5,
  kStrTag = 6,
  kTeamTag = 7,
  kRawTag = 8,
};

Value MakeRaw(const Json& json) {
  return Raw{std::make_shared<const std::pair<Json, std::string>>(json, json.Dump())};
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool IsSymbolType(FieldType type) {
  return type == FieldType::kEnum || type == FieldType::kUser || type == FieldType::kRef;
}

// A team is typed only when every entry is exactly {"user_id", "access", "expires_at"}.
std::optional<Team> TeamFromJson(const Json& json, StringPool* pool) {
  if (pool == nullptr || !json.is_array()) return std::nullopt;
  Team team;
  for (const Json& entry : json.as_array()) {
    if (!entry.is_object() || entry.as_object().size() != 3) return std::nullopt;
    const auto& o = entry.as_object();
    if (o[0].first != "user_id" || !o[0].second.is_string() || o[1].first != "access" ||
        !o[1].second.is_string() || o[2].first != "expires_at") {
      return std::nullopt;
    }
    TeamItem item{pool->Intern(o[0].second.as_string()), pool->Intern(o[1].second.as_string()),
                  false, 0};
    if (o[2].second.is_string()) {
      const auto ns = ParseTimestamp(o[2].second.as_string());
      if (!ns || FormatTimestamp(*ns) != o[2].second.as_string()) return std::nullopt;
      item.has_expiry = true;
      item.expires_ns = *ns;
    } else if (!o[2].second.is_null()) {
      return std::nullopt;
    }
    team.push_back(item);
  }
  return team;
}

}  // namespace

Sym StringPool::Intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const auto sym = static_cast<Sym>(strings_.size());
  strings_.emplace_back(s);
  ids_.emplace(std::string(s), sym);
  return sym;
}

std::optional<Sym> StringPool::Find(std::string_view s) const {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  return std::nullopt;
}

Value FromText(FieldType type, std::string_view s, StringPool* pool) {
  if (type == FieldType::kMoney) {
    if (const auto minor = domain::ParseMoney(s); minor && domain::FormatMoney(*minor) == s) {
      return Money{*minor};
    }
  } else if (type == FieldType::kDateTime) {
    if (const auto ns = ParseCanonicalTime(s)) return Time{*ns};
    if (const auto ns = ParseTimestamp(s); ns && FormatTimestamp(*ns) == s) return Time{*ns};
  } else if (IsSymbolType(type) && pool != nullptr) {
    return SymRef{pool->Intern(s)};
  }
  return std::string(s);
}

Value FromJson(FieldType type, const Json& json, StringPool* pool) {
  if (json.is_null()) return std::monostate{};
  if (json.is_bool()) return json.as_bool();
  if (json.is_int()) return Int{json.as_int()};
  if (json.is_string()) return FromText(type, json.as_string(), pool);
  if (type == FieldType::kTeam) {
    if (auto team = TeamFromJson(json, pool)) return std::move(*team);
  }
  return MakeRaw(json);
}

Value Bind(FieldType type, Value value, StringPool& pool) {
  if (IsSymbolType(type)) {
    if (const auto* s = std::get_if<std::string>(&value)) return SymRef{pool.Intern(*s)};
  } else if (type == FieldType::kTeam) {
    if (const auto* raw = std::get_if<Raw>(&value)) {
      if (auto team = TeamFromJson(raw->json->first, &pool)) return std::move(*team);
    }
  }
  return value;
}

Json ToJson(const Value& value, const StringPool& pool) {
  switch (value.index()) {
    case 1:
      return std::get<bool>(value);
    case 2:
      return std::get<Int>(value).v;
    case 3:
      return domain::FormatMoney(std::get<Money>(value).v);
    case 4:
      return FormatTimestamp(std::get<Time>(value).v);
    case 5:
      return pool.Get(std::get<SymRef>(value).v);
    case 6:
      return std::get<std::string>(value);
    case 7: {
      Json out = Json::MakeArray();
      for (const TeamItem& item : std::get<Team>(value)) {
        Json entry = Json::MakeObject();
        entry.Set("user_id", pool.Get(item.user));
        entry.Set("access", pool.Get(item.access));
        entry.Set("expires_at", item.has_expiry ? Json(FormatTimestamp(item.expires_ns)) : Json());
        out.Push(std::move(entry));
      }
      return out;
    }
    case 8:
      return std::get<Raw>(value).json->first;
    default:
      return {};
  }
}

Key KeyOf(FieldType type, const Value& value, const StringPool& pool) {
  Key key;
  switch (value.index()) {
    case 1:
      key.tag = 1;
      key.i = std::get<bool>(value) ? 1 : 0;
      break;
    case 2:
      key.tag = 1;
      key.i = std::get<Int>(value).v;
      break;
    case 3:
      key.tag = 1;
      key.i = std::get<Money>(value).v;
      break;
    case 4:
      key.tag = 1;
      key.i = std::get<Time>(value).v;
      break;
    case 5:
      key.tag = 2;
      key.s = pool.Get(std::get<SymRef>(value).v);
      break;
    case 6: {
      const std::string& s = std::get<std::string>(value);
      std::optional<std::int64_t> number;
      if (type == FieldType::kMoney) {
        number = domain::ParseMoney(s);
      } else if (type == FieldType::kDateTime) {
        number = ParseTimestamp(s);
      } else if (type == FieldType::kNumber) {
        number = ParseInt(s);
      }
      if (number) {
        key.tag = 1;
        key.i = *number;
      } else {
        key.tag = 2;
        key.s = s;
      }
      break;
    }
    case 7:
      key.tag = 2;
      break;
    case 8: {
      const Json& json = std::get<Raw>(value).json->first;
      if (json.is_number() && !json.is_int() && std::isfinite(json.as_double())) {
        // A decimal: ordered among the integers (floor, clamped, and the fraction).
        const double d = json.as_double();
        const double whole = std::floor(d);
        key.tag = 1;
        if (whole >= 9.2e18) {
          key.i = std::numeric_limits<std::int64_t>::max();
        } else if (whole <= -9.2e18) {
          key.i = std::numeric_limits<std::int64_t>::min();
        } else {
          key.i = static_cast<std::int64_t>(whole);
          key.frac = d - whole;
        }
        break;
      }
      key.tag = 2;
      key.s = std::get<Raw>(value).json->second;
      break;
    }
    default:
      break;
  }
  return key;
}

std::string_view TextOf(const Value& value, const StringPool& pool) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* sym = std::get_if<SymRef>(&value)) return pool.Get(sym->v);
  return {};
}

void PutVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

namespace {
void PutSigned(std::string& out, std::int64_t v) {
  PutVarint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}
}  // namespace

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

void PutValue(std::string& out, const Value& value, const StringPool& pool) {
  switch (value.index()) {
    case 1:
      out.push_back(kBoolTag);
      out.push_back(std::get<bool>(value) ? 1 : 0);
      break;
    case 2:
      out.push_back(kIntTag);
      PutSigned(out, std::get<Int>(value).v);
      break;
    case 3:
      out.push_back(kMoneyTag);
      PutSigned(out, std::get<Money>(value).v);
      break;
    case 4:
      out.push_back(kTimeTag);
      PutSigned(out, std::get<Time>(value).v);
      break;
    case 5:
      out.push_back(kSymTag);
      PutString(out, pool.Get(std::get<SymRef>(value).v));
      break;
    case 6:
      out.push_back(kStrTag);
      PutString(out, std::get<std::string>(value));
      break;
    case 7:
      out.push_back(kTeamTag);
      PutVarint(out, std::get<Team>(value).size());
      for (const TeamItem& item : std::get<Team>(value)) {
        PutString(out, pool.Get(item.user));
        PutString(out, pool.Get(item.access));
        out.push_back(item.has_expiry ? 1 : 0);
        PutSigned(out, item.expires_ns);
      }
      break;
    case 8:
      out.push_back(kRawTag);
      PutString(out, std::get<Raw>(value).json->second);
      break;
    default:
      out.push_back(kNullTag);
      break;
  }
}

bool Reader::Varint(std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in_.empty(); shift += 7) {
    const auto b = static_cast<std::uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

bool Reader::Signed(std::int64_t& v) {
  std::uint64_t u = 0;
  if (!Varint(u)) return false;
  v = static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

bool Reader::String(std::string_view& s) {
  std::uint64_t n = 0;
  if (!Varint(n) || n > in_.size()) return false;
  s = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

bool Reader::Byte(std::uint8_t& b) {
  if (in_.empty()) return false;
  b = static_cast<std::uint8_t>(in_.front());
  in_.remove_prefix(1);
  return true;
}

bool Reader::ReadValue(Value& value, StringPool& pool) {
  std::uint8_t tag = 0;
  if (!Byte(tag)) return false;
  std::int64_t i = 0;
  std::string_view s;
  switch (tag) {
    case kNullTag:
      value = std::monostate{};
      return true;
    case kBoolTag: {
      std::uint8_t b = 0;
      if (!Byte(b)) return false;
      value = b != 0;
      return true;
    }
    case kIntTag:
      if (!Signed(i)) return false;
      value = Int{i};
      return true;
    case kMoneyTag:
      if (!Signed(i)) return false;
      value = Money{i};
      return true;
    case kTimeTag:
      if (!Signed(i)) return false;
      value = Time{i};
      return true;
    case kSymTag:
      if (!String(s)) return false;
      value = SymRef{pool.Intern(s)};
      return true;
    case kStrTag:
      if (!String(s)) return false;
      value = std::string(s);
      return true;
    case kTeamTag: {
      std::uint64_t n = 0;
      if (!Varint(n)) return false;
      Team team;
      for (std::uint64_t k = 0; k < n; ++k) {
        std::string_view user;
        std::string_view access;
        std::uint8_t has = 0;
        if (!String(user) || !String(access) || !Byte(has) || !Signed(i)) return false;
        team.push_back({pool.Intern(user), pool.Intern(access), has != 0, i});
      }
      value = std::move(team);
      return true;
    }
    case kRawTag: {
      if (!String(s)) return false;
      auto json = ParseJson(s);
      if (!json.ok()) return false;
      value = MakeRaw(*json);
      return true;
    }
    default:
      return false;
  }
}

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out.push_back(NextCodePoint(s, i));
  return out;
}

void Fold(std::string_view text, std::string& out) {
  // NFKC and case folding leave ASCII but A-Z, and the CJK unified
  // ideographs (U+3400-4DBF, U+4E00-9FFF: no decomposition, no case, never
  // combined), as they are: such text only needs A-Z lowered and trimming.
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    if (b < 0xe3 || b > 0xe9 || i + 3 > text.size()) break;
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    const auto b2 = static_cast<unsigned char>(text[i + 2]);
    if ((b1 & 0xc0) != 0x80 || (b2 & 0xc0) != 0x80) break;
    const char32_t cp = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    if (!((cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff))) break;
    i += 3;
  }
  if (i < text.size()) {
    out = domain::FoldForCompare(text);
    return;
  }
  constexpr std::string_view kSpace = " \t\r\n";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) {
    out.clear();
    return;
  }
  const auto end = text.find_last_not_of(kSpace);
  out.assign(text.substr(begin, end - begin + 1));
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
}

std::optional<std::int64_t> ParseCanonicalTime(std::string_view s) {
  if (s.size() != 24 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != '.' || s[23] != 'Z') {
    return std::nullopt;
  }
  bool ok = true;
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t k = at; k < at + n; ++k) {
      if (s[k] < '0' || s[k] > '9') ok = false;
      v = v * 10 + (s[k] - '0');
    }
    return v;
  };
  const int y = num(0, 4);
  const int mo = num(5, 2);
  const int d = num(8, 2);
  const int h = num(11, 2);
  const int mi = num(14, 2);
  const int sec = num(17, 2);
  const int ms = num(20, 3);
  if (!ok || y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  // Days from the civil date (H. Hinnant's algorithm).
  const int yy = y - (mo <= 2 ? 1 : 0);
  const int era = yy / 400;  // y >= 1678: never negative
  const int yoe = yy - era * 400;
  const int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
  const std::int64_t secs = days * 86400 + std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + sec;
  return secs * 1'000'000'000 + static_cast<std::int64_t>(ms) * 1'000'000;
}

}  // namespace chronicle::projections::tables
