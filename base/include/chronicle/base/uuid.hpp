#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chronicle {

// A 16-byte RFC 9562 UUID. The all-zero value is the nil UUID.
struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  [[nodiscard]] bool is_nil() const;
  // Canonical 8-4-4-4-12 lower-case hex form.
  [[nodiscard]] std::string ToString() const;
  static std::optional<Uuid> Parse(std::string_view text);

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;
};

// A time-ordered UUIDv7 for `unix_ms`, with random bits from a per-thread
// generator. Thread-safe.
Uuid NewUuidV7(std::int64_t unix_ms);

struct UuidHash {
  std::size_t operator()(const Uuid& id) const noexcept;
};

}  // namespace chronicle
