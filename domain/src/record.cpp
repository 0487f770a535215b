#include "chronicle/domain/record.hpp"

namespace chronicle::domain::record {
namespace {

const Json kNull;

void Merge(Json& fields, const Json& set) {
  if (!set.is_object()) return;
  for (const auto& [key, value] : set.as_object()) {
    if (key == "custom" && value.is_object()) {
      Json custom = fields.Find("custom") != nullptr && fields.Find("custom")->is_object()
                        ? *fields.Find("custom")
                        : Json::MakeObject();
      for (const auto& [k, v] : value.as_object()) {
        if (v.is_null()) {
          custom.Erase(k);
        } else {
          custom.Set(k, v);
        }
      }
      fields.Set("custom", std::move(custom));
      continue;
    }
    if (value.is_null()) {
      fields.Erase(key);
    } else {
      fields.Set(key, value);
    }
  }
}

}  // namespace

std::string EventType(const EntitySpec& spec, const Event& event) {
  return std::string(spec.event_prefix) + event.action;
}

Json EncodeEvent(const Event& event) {
  Json out = Json::MakeObject();
  out.Set("set", event.set.is_null() ? Json::MakeObject() : event.set);
  if (event.info.is_object() && !event.info.as_object().empty()) out.Set("info", event.info);
  return out;
}

Result<Event> DecodeEvent(const EntitySpec& spec, std::string_view type, const Json& payload) {
  if (!type.starts_with(spec.event_prefix) || type.size() == spec.event_prefix.size()) {
    return InvalidArgumentError("unknown " + std::string(spec.name) + " event type " +
                                std::string(type));
  }
  Event event;
  event.action = std::string(type.substr(spec.event_prefix.size()));
  if (const Json* set = payload.Find("set"); set != nullptr && set->is_object()) event.set = *set;
  if (const Json* info = payload.Find("info"); info != nullptr && info->is_object()) {
    event.info = *info;
  }
  return event;
}

State Evolve(State state, const Event& event) {
  if (event.action == kCreated) {
    state.exists = true;
    state.deleted = false;
    state.fields = Json::MakeObject();
    if (const Json* id = event.info.Find("id"); id != nullptr && id->is_string()) {
      state.id = id->as_string();
    }
    Merge(state.fields, event.set);
    return state;
  }
  if (event.action == kDeleted) {
    state.deleted = true;
  } else if (event.action == kRestored) {
    state.deleted = false;
  }
  Merge(state.fields, event.set);
  return state;
}

const Json& Field(const State& state, std::string_view name) {
  const Json* v = state.fields.Find(name);
  return v == nullptr ? kNull : *v;
}

std::string StringField(const State& state, std::string_view name) {
  const Json& v = Field(state, name);
  return v.is_string() ? v.as_string() : std::string();
}

Json ToJson(const EntitySpec& spec, const State& state) {
  Json out = Json::MakeObject();
  for (const auto& field : spec.fields) {
    if (field.Has(kDerived)) continue;
    const Json& v = Field(state, field.name);
    if (v.is_null() && field.type == FieldType::kTeam) {
      out.Set(std::string(field.name), Json::MakeArray());
    } else if (v.is_null() && field.type == FieldType::kBool) {
      out.Set(std::string(field.name), false);
    } else {
      out.Set(std::string(field.name), v);
    }
  }
  if (spec.custom_fields) {
    const Json& custom = Field(state, "custom");
    out.Set("custom", custom.is_object() ? custom : Json::MakeObject());
  }
  return out;
}

Result<std::vector<Event>> DecideOwnerChange(const State& state, const std::string& owner_id,
                                             bool owner_exists) {
  if (owner_id.empty()) return FieldError("owner_id", "owner_id is required");
  if (!owner_exists) return FieldError("owner_id", "user " + owner_id + " does not exist");
  const std::string old_owner = StringField(state, "owner_id");
  if (owner_id == old_owner) return std::vector<Event>{};
  Event e;
  e.action = "Transferred";
  e.set.Set("owner_id", owner_id);
  e.info.Set("previous_owner_id", old_owner);
  return std::vector<Event>{std::move(e)};
}

Result<std::vector<Event>> DecideCreate(const State& state, const Create& command) {
  if (state.exists) return AlreadyExistsError("the record " + command.id + " already exists");
  Event event;
  event.action = std::string(kCreated);
  event.set = command.values;
  event.info.Set("id", command.id);
  return std::vector<Event>{std::move(event)};
}

Result<std::vector<Event>> DecideUpdate(const State& state, const Update& command) {
  if (!state.exists || state.deleted) return NotFoundError("the record does not exist");
  if (!command.changes.is_object() || command.changes.as_object().empty()) {
    return std::vector<Event>{};
  }
  Event event;
  event.action = std::string(kUpdated);
  event.set = command.changes;
  return std::vector<Event>{std::move(event)};
}

Result<std::vector<Event>> DecideDelete(const State& state, const Delete& command) {
  if (!state.exists || state.deleted) return NotFoundError("the record does not exist");
  if (command.has_dependents) {
    return FailedPreconditionError("the record still has " + command.dependents);
  }
  Event event;
  event.action = std::string(kDeleted);
  return std::vector<Event>{std::move(event)};
}

Result<std::vector<Event>> DecideRestore(const State& state, const Restore& command) {
  if (!state.exists) return NotFoundError("the record does not exist");
  if (!state.deleted) return FailedPreconditionError("the record is not deleted");
  if (command.name_taken) {
    return AlreadyExistsError("another live record now holds this record's unique name");
  }
  Event event;
  event.action = std::string(kRestored);
  return std::vector<Event>{std::move(event)};
}

}  // namespace chronicle::domain::record
