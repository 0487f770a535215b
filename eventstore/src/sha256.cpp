#include "sha256.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

namespace chronicle::eventstore {
namespace {

// Fetched once: the implicit per-call fetch of EVP_sha256() costs more than
// hashing a small record.
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

struct ContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

Hash Sha256(std::string_view a, std::string_view b) {
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(EVP_MD_CTX_new());
  Hash out{};
  unsigned int len = 0;
  if (ctx == nullptr || Sha256Algorithm() == nullptr ||
      EVP_DigestInit_ex(ctx.get(), Sha256Algorithm(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    // Without a working SHA-256 the tamper evidence of the log is void;
    // continuing would write unverifiable records.
    std::abort();
  }
  return out;
}

}  // namespace chronicle::eventstore
