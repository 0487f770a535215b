#pragma once

#include <cstddef>
#include <string_view>

namespace chronicle::domain {

// Code points in UTF-8 text (length limits count characters, not bytes).
inline std::size_t Utf8Length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

inline bool TrimmedEmpty(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace chronicle::domain
