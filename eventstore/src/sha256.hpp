#pragma once

#include <string_view>

#include "chronicle/eventstore/event.hpp"

namespace chronicle::eventstore {

// SHA-256 of a || b (OpenSSL). Thread-safe.
Hash Sha256(std::string_view a, std::string_view b);

}  // namespace chronicle::eventstore
