#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chronicle {

// Lower-case hex of `bytes`.
std::string HexEncode(std::span<const std::uint8_t> bytes);
// Decodes hex (either case); nullopt on odd length or a non-hex character.
std::optional<std::string> HexDecode(std::string_view hex);

}  // namespace chronicle
