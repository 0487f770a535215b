#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"

namespace chronicle::api {

// A request body checked field by field. Every error names its field:
// malformed JSON -> 400; unknown fields, wrong types, missing required
// fields -> 422 (Status with field()).
class Body {
 public:
  // Parses `text` as a JSON object and rejects members not in `allowed`.
  static Result<Body> Parse(std::string_view text, std::initializer_list<std::string_view> allowed);

  [[nodiscard]] bool Has(std::string_view field) const { return json_.Find(field) != nullptr; }
  [[nodiscard]] bool IsNull(std::string_view field) const;

  Result<std::string> RequiredString(std::string_view field) const;
  // Absent -> nullopt; null -> "" (clears an optional reference).
  Result<std::optional<std::string>> OptionalString(std::string_view field) const;
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view field) const;
  Result<std::optional<std::vector<std::string>>> OptionalStrings(std::string_view field) const;

  [[nodiscard]] const Json& json() const { return json_; }

 private:
  explicit Body(Json json) : json_(std::move(json)) {}
  Json json_;
};

}  // namespace chronicle::api
