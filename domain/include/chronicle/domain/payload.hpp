#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"

// Reading event payloads: decoders default missing fields (old events stay
// readable when a field is added) and never reuse a field with a new meaning.
namespace chronicle::domain::payload {

std::string String(const Json& payload, std::string_view key);
std::int64_t Int(const Json& payload, std::string_view key, std::int64_t fallback = 0);
bool Bool(const Json& payload, std::string_view key, bool fallback = false);
std::vector<std::string> Strings(const Json& payload, std::string_view key);
bool Has(const Json& payload, std::string_view key);
Json StringArray(const std::vector<std::string>& values);
// "" -> null, otherwise the string: how optional references are written.
Json NullableString(const std::string& value);

}  // namespace chronicle::domain::payload
