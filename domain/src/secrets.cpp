#include "chronicle/domain/secrets.hpp"

#include <vector>

#include "chronicle/domain/fields.hpp"

namespace chronicle::domain {

bool IsSecretField(std::string_view name) {
  if (name == "password_hash") return true;  // domain/user.hpp: the Argon2id hash
  for (const EntitySpec* spec : AllEntitySpecs()) {
    if (const FieldSpec* f = spec->Find(name); f != nullptr && f->Has(kSecret)) return true;
  }
  return false;
}

bool RemoveSecrets(Json& object) {
  if (!object.is_object()) return false;
  std::vector<std::string> secret;
  for (const auto& [key, value] : object.as_object()) {
    if (IsSecretField(key)) secret.push_back(key);
  }
  for (const auto& key : secret) object.Erase(key);
  return !secret.empty();
}

}  // namespace chronicle::domain
