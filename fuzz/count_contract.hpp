#pragma once

// The contract of api::ParseCount, shared by the fuzz targets that feed it.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "request_parsing.hpp"

namespace chronicle::fuzz {

// Whether `digits` (leading zeros allowed) is at most `max`, without parsing it.
inline bool DigitsFitIn(std::string_view digits, std::uint64_t max) {
  digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
  const std::string bound = std::to_string(max);
  if (digits.size() != bound.size()) return digits.size() < bound.size();
  return digits <= bound;
}

// ParseCount accepts exactly the digit strings whose value is at most `max`;
// the value round-trips through std::to_string (up to leading zeros); a
// refusal is kInvalidArgument naming `parameter`.
inline void CheckCount(std::string_view parameter, std::string_view text, std::uint64_t max) {
  auto count = api::ParseCount(parameter, text, max);
  const bool digits =
      !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  CHRONICLE_FUZZ_CHECK(count.ok() == (digits && DigitsFitIn(text, max)), text);
  if (count.ok()) {
    std::string_view significant = text;
    significant.remove_prefix(std::min(significant.find_first_not_of('0'), significant.size() - 1));
    CHRONICLE_FUZZ_CHECK(*count <= max, text);
    CHRONICLE_FUZZ_CHECK(std::to_string(*count) == significant, text);
  } else {
    CHRONICLE_FUZZ_CHECK(count.status().code() == StatusCode::kInvalidArgument, text);
    CHRONICLE_FUZZ_CHECK(count.status().parameter() == std::string(parameter), text);
  }
}

}  // namespace chronicle::fuzz
