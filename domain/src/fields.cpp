#include "chronicle/domain/fields.hpp"

namespace chronicle::domain {

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kLongText:
      return "textarea";
    case FieldType::kNumber:
      return "number";
    case FieldType::kMoney:
      return "money";
    case FieldType::kDate:
      return "date";
    case FieldType::kDateTime:
      return "datetime";
    case FieldType::kEnum:
      return "select";
    case FieldType::kEnumSet:
      return "multiselect";
    case FieldType::kBool:
      return "boolean";
    case FieldType::kUser:
      return "user";
    case FieldType::kRef:
      return "reference";
    case FieldType::kTeam:
      return "team";
    case FieldType::kStrings:
      return "strings";
  }
  return "text";
}

const FieldSpec* EntitySpec::Find(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.name == field) return &f;
  }
  return nullptr;
}

Json WithInitialValues(const EntitySpec& spec, Json values) {
  for (const auto& field : spec.fields) {
    if (field.initial.empty() || values.Find(field.name) != nullptr) continue;
    auto value = ParseFieldText(field, field.initial);
    if (value.ok()) values.Set(std::string(field.name), std::move(value).value());
  }
  return values;
}

const EntitySpec* FindEntityByCollection(std::string_view collection) {
  for (const EntitySpec* spec : AllEntitySpecs()) {
    if (spec->collection == collection) return spec;
  }
  return nullptr;
}

const EntitySpec* FindEntityByName(std::string_view name) {
  for (const EntitySpec* spec : AllEntitySpecs()) {
    if (spec->name == name) return spec;
  }
  return nullptr;
}

const EntitySpec* FindEntityByStream(std::string_view stream) {
  // Ids are UUIDv7 (hex and dashes, starting with a digit): the longest
  // prefix that leaves such an id wins, so "follow-up-0193..." never reads
  // as a kind named "follow-".
  const EntitySpec* best = nullptr;
  for (const EntitySpec* spec : AllEntitySpecs()) {
    if (!stream.starts_with(spec->stream_prefix)) continue;
    if (best == nullptr || spec->stream_prefix.size() > best->stream_prefix.size()) best = spec;
  }
  return best;
}

}  // namespace chronicle::domain
