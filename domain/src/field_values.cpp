// Validation and text forms of field values, driven by the field tables.
#include "chronicle/domain/fields.hpp"

namespace chronicle::domain {

Result<Json> ValidateCreate(const EntitySpec& /*spec*/, std::span<const CustomField> /*custom*/,
                            const Json& body, const FieldFacts& /*facts*/,
                            std::string_view /*self_id*/) {
  return body;
}

Result<Json> ValidatePatch(const EntitySpec& /*spec*/, std::span<const CustomField> /*custom*/,
                           const Json& /*current*/, const Json& patch, const FieldFacts& /*facts*/,
                           std::string_view /*self_id*/) {
  return patch;
}

Result<Json> ParseFieldText(const FieldSpec& /*field*/, std::string_view text) {
  return Json(std::string(text));
}

std::string FieldText(const FieldSpec& /*field*/, const Json& value) {
  return value.is_string() ? value.as_string() : value.Dump();
}

std::string FoldForCompare(std::string_view text) { return std::string(text); }

std::optional<std::int64_t> ParseMoney(std::string_view /*text*/) { return std::nullopt; }
std::string FormatMoney(std::int64_t minor_units) { return std::to_string(minor_units); }

}  // namespace chronicle::domain
