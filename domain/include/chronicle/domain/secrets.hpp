#pragma once

#include <string_view>

#include "chronicle/base/json.hpp"

// The one rule for secrets (a user's password hash, and any field a table
// marks kSecret): they live in events and snapshots, and never appear in an
// answer, a live message, a history, a replay view or an export.
namespace chronicle::domain {

bool IsSecretField(std::string_view name);
// Removes the secret members of `object` (top level: events and snapshots
// keep secrets there). Returns whether any was removed.
bool RemoveSecrets(Json& object);

}  // namespace chronicle::domain
