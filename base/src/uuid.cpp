#include "chronicle/base/uuid.hpp"

#include <cstring>
#include <random>

#include "chronicle/base/hex.hpp"

namespace chronicle {

bool Uuid::is_nil() const {
  for (auto b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

std::string Uuid::ToString() const {
  std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::optional<Uuid> Uuid::Parse(std::string_view text) {
  std::string compact;
  compact.reserve(32);
  for (char c : text) {
    if (c != '-') compact.push_back(c);
  }
  auto raw = HexDecode(compact);
  if (!raw || raw->size() != 16) return std::nullopt;
  Uuid id;
  std::memcpy(id.bytes.data(), raw->data(), 16);
  return id;
}

Uuid NewUuidV7(std::int64_t unix_ms) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  Uuid id;
  const auto ms = static_cast<std::uint64_t>(unix_ms);
  for (int i = 0; i < 6; ++i) {
    id.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
  }
  std::uint64_t r1 = rng();
  std::uint64_t r2 = rng();
  for (int i = 6; i < 16; ++i) {
    std::uint64_t& src = i < 11 ? r1 : r2;
    id.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(src);
    src >>= 8;
  }
  id.bytes[6] = static_cast<std::uint8_t>((id.bytes[6] & 0x0F) | 0x70);  // version 7
  id.bytes[8] = static_cast<std::uint8_t>((id.bytes[8] & 0x3F) | 0x80);  // RFC variant
  return id;
}

std::size_t UuidHash::operator()(const Uuid& id) const noexcept {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::memcpy(&a, id.bytes.data(), 8);
  std::memcpy(&b, id.bytes.data() + 8, 8);
  return static_cast<std::size_t>(a ^ (b * 0x9E3779B97F4A7C15ULL));
}

}  // namespace chronicle
