#pragma once

// The compact typed values of a table row, their sort/compare keys and
// their document encoding. Private to the tables projection.
//
// Document of one record (key = stream name), little-endian varints:
//   doc      := 'T' u8(1) varint(version) varint(position) zigzag(created_ns)
//               zigzag(updated_ns) str(created_by) u8(deleted)
//               varint(n) { str(field name) value }^n      -- absent fields omitted
//               varint(m) { str(custom key) value }^m
//   value    := u8(tag) payload
//     tag 1 bool: u8 | 2 number, 3 money (minor units), 4 time (unix ns): zigzag
//     | 5 symbol, 6 string: str | 7 team: varint(k) { str(user) str(access) u8(has) zigzag(ns) }^k
//     | 8 raw: str(JSON text)
//   str      := varint(length) bytes
// Derived fields are not stored: they are computed again on load.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/domain/fields.hpp"

namespace chronicle::projections::tables {

using Sym = std::uint32_t;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

// Interned strings (owner ids, enum values, references): 4 bytes per use.
class StringPool {
 public:
  Sym Intern(std::string_view s);
  [[nodiscard]] std::optional<Sym> Find(std::string_view s) const;
  [[nodiscard]] const std::string& Get(Sym sym) const { return strings_[sym]; }

 private:
  std::unordered_map<std::string, Sym, StringHash, std::equal_to<>> ids_;
  std::deque<std::string> strings_;
};

struct Int {
  std::int64_t v;
};
struct Money {
  std::int64_t v;
};
struct Time {
  std::int64_t v;
};
struct SymRef {
  Sym v;
};
struct TeamItem {
  Sym user;
  Sym access;
  bool has_expiry;
  std::int64_t expires_ns;
};
using Team = std::vector<TeamItem>;
struct Raw {
  std::shared_ptr<const std::pair<Json, std::string>> json;  // value and its text
};

// A stored value: typed when it renders back exactly as given, else Raw
// (or the string itself), so rendering always equals what the events set.
using Value = std::variant<std::monostate, bool, Int, Money, Time, SymRef, std::string, Team, Raw>;

// Converts a stored JSON value of a field of `type`. With `pool` null,
// strings are never interned (query targets under a shared lock).
Value FromJson(domain::FieldType type, const Json& json, StringPool* pool);
// The same for a JSON string value.
Value FromText(domain::FieldType type, std::string_view text, StringPool* pool);
// A value converted without a pool, as FromJson with the pool would have
// converted it (interns symbols, types teams).
Value Bind(domain::FieldType type, Value value, StringPool& pool);
Json ToJson(const Value& value, const StringPool& pool);

// The order of values: null < numbers (and times, money) < text.
struct Key {
  std::uint8_t tag = 0;  // 0 null, 1 number, 2 text
  std::int64_t i = 0;    // numbers: the integer part (floor)
  double frac = 0;       // ... and the fraction in [0, 1) (decimals of custom number fields)
  std::string_view s;
  friend int Compare(const Key& a, const Key& b) {
    if (a.tag != b.tag) return a.tag < b.tag ? -1 : 1;
    if (a.tag == 1) {
      if (a.i != b.i) return a.i < b.i ? -1 : 1;
      return a.frac < b.frac ? -1 : (a.frac > b.frac ? 1 : 0);
    }
    if (a.tag == 2) {
      const int c = a.s.compare(b.s);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    return 0;
  }
};
Key KeyOf(domain::FieldType type, const Value& value, const StringPool& pool);
// The text a `contains` filter searches (empty when not text).
std::string_view TextOf(const Value& value, const StringPool& pool);

// A 64-bit hash of text (ids, folded unique values).
inline std::uint64_t HashText(std::string_view s) { return std::hash<std::string_view>{}(s); }

// Row numbers by hash, open addressing without an allocation per entry:
// each slot is (upper 32 bits of the hash, row + 1); 0 is empty, kTomb
// removed. Several rows may share a hash: the caller decides equality.
class RowHashIndex {
 public:
  void Insert(std::uint64_t hash, std::uint32_t row) {
    if ((used_ + 1) * 2 > slots_.size()) Grow();
    const std::uint64_t tag = hash >> 32;
    for (std::size_t i = Home(tag);; i = (i + 1) & mask_) {
      if (slots_[i] == 0 || slots_[i] == kTomb) {
        used_ += slots_[i] == 0 ? 1 : 0;
        slots_[i] = (tag << 32) | (std::uint64_t{row} + 1);
        ++live_;
        return;
      }
    }
  }
  bool Erase(std::uint64_t hash, std::uint32_t row) {
    if (slots_.empty()) return false;
    const std::uint64_t want = ((hash >> 32) << 32) | (std::uint64_t{row} + 1);
    for (std::size_t i = Home(hash >> 32); slots_[i] != 0; i = (i + 1) & mask_) {
      if (slots_[i] == want) {
        slots_[i] = kTomb;
        --live_;
        return true;
      }
    }
    return false;
  }
  // Calls visit(row) for each row inserted with this hash (and perhaps a few
  // sharing its upper bits) until it returns true; returns whether one did.
  template <typename Visit>
  bool Any(std::uint64_t hash, Visit&& visit) const {
    if (slots_.empty()) return false;
    const std::uint64_t tag = hash >> 32;
    for (std::size_t i = Home(tag); slots_[i] != 0; i = (i + 1) & mask_) {
      if (slots_[i] != kTomb && (slots_[i] >> 32) == tag &&
          visit(static_cast<std::uint32_t>((slots_[i] & 0xffffffffu) - 1))) {
        return true;
      }
    }
    return false;
  }
  void Reserve(std::size_t n) {
    if (n * 2 > slots_.size()) Rehash(n * 2);
  }
  [[nodiscard]] std::size_t size() const { return live_; }

 private:
  static constexpr std::uint64_t kTomb = ~std::uint64_t{0};
  [[nodiscard]] std::size_t Home(std::uint64_t tag) const {
    return static_cast<std::size_t>((tag * 0x9e3779b97f4a7c15ULL) >> 20) & mask_;
  }
  void Grow() { Rehash(std::max<std::size_t>(16, live_ * 4)); }
  void Rehash(std::size_t want) {
    std::size_t n = 16;
    while (n < want) n <<= 1;
    std::vector<std::uint64_t> old(n, 0);
    old.swap(slots_);
    mask_ = n - 1;
    used_ = live_;
    for (const std::uint64_t s : old) {
      if (s == 0 || s == kTomb) continue;
      std::size_t i = Home(s >> 32);
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0;
  std::size_t used_ = 0;  // live + tombs
  std::size_t live_ = 0;
};

// Byte encoding helpers for documents.
void PutVarint(std::string& out, std::uint64_t v);
void PutString(std::string& out, std::string_view s);
void PutValue(std::string& out, const Value& value, const StringPool& pool);
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool Varint(std::uint64_t& v);
  bool Signed(std::int64_t& v);
  bool String(std::string_view& s);
  bool Byte(std::uint8_t& b);
  bool ReadValue(Value& value, StringPool& pool);
  [[nodiscard]] bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// UTF-8 code points of `s` (invalid bytes read as themselves).
std::vector<char32_t> CodePoints(std::string_view s);
// The same, one at a time: the code point at s[i], advancing i.
inline char32_t NextCodePoint(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = 1;
  char32_t cp = b;
  if (b >= 0xf0 && b < 0xf8) {
    len = 4;
    cp = b & 0x07;
  } else if (b >= 0xe0) {
    len = b < 0xf0 ? 3 : 1;
    cp = len == 3 ? (b & 0x0f) : b;
  } else if (b >= 0xc0) {
    len = 2;
    cp = b & 0x1f;
  }
  if (i + len > s.size()) len = 1, cp = b;
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  i += len;
  return cp;
}

// domain::FoldForCompare(text) into `out`, without utf8proc for the text
// it leaves as is but for ASCII case (ASCII and CJK unified ideographs).
void Fold(std::string_view text, std::string& out);

// A time exactly as FormatTimestamp writes it ("2025-10-09T12:00:00.000Z"),
// parsed without sscanf; nullopt for any other text (then ParseTimestamp).
std::optional<std::int64_t> ParseCanonicalTime(std::string_view s);

}  // namespace chronicle::projections::tables
