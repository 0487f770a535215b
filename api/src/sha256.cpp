#include "sha256.hpp"

#include <openssl/evp.h>

#include <cstdint>
#include <span>

#include "chronicle/base/hex.hpp"

namespace chronicle::api {

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return HexEncode(std::span<const std::uint8_t>(digest, size));
}

}  // namespace chronicle::api
