#include "password_hasher.hpp"

#include <argon2.h>

#include <random>
#include <vector>

namespace chronicle::api {

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  std::random_device rd;
  std::uint8_t salt[16];
  for (auto& b : salt) b = static_cast<std::uint8_t>(rd());
  const std::size_t length = argon2_encodedlen(cost_.time, cost_.memory_kib, cost_.parallelism,
                                               sizeof salt, 32, Argon2_id);
  std::vector<char> encoded(length);
  const int rc =
      argon2id_hash_encoded(cost_.time, cost_.memory_kib, cost_.parallelism, password.data(),
                            password.size(), salt, sizeof salt, 32, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return InternalError(std::string("argon2: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

void PasswordHasher::VerifyNothing(std::string_view password) const {
  std::call_once(dummy_once_, [this] {
    auto hashed = Hash("chronicle-timing-equaliser");
    dummy_ = hashed.ok() ? *hashed : std::string();
  });
  static_cast<void>(Verify(dummy_, password));
}

bool PasswordHasher::Verify(std::string_view encoded, std::string_view password) const {
  const std::string copy(encoded);
  return !copy.empty() &&
         argon2id_verify(copy.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace chronicle::api
