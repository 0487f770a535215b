#pragma once

#include <string>
#include <string_view>

namespace chronicle::api {

// SHA-256 of `text` as 64 lower-case hex digits (OpenSSL).
std::string Sha256Hex(std::string_view text);

}  // namespace chronicle::api
