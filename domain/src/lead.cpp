// 线索: transfer and convert to a customer (and a contact).
#include "chronicle/domain/lifecycle.hpp"

namespace chronicle::domain::lead {
namespace {

bool Blank(const Json& v) {
  return !v.is_string() || v.as_string().find_first_not_of(" \t") == std::string::npos;
}

}  // namespace

const EntitySpec& Spec() { return *FindEntityByName("lead"); }

Status CheckOpen(const record::State& state) {
  if (!state.exists || state.deleted) return NotFoundError("lead not found");
  if (record::StringField(state, "status") == "converted") {
    return FailedPreconditionError("the lead was converted to a customer: it cannot change");
  }
  return Status::Ok();
}

Result<std::vector<record::Event>> DecideTransfer(const record::State& state,
                                                  const std::string& owner_id, bool owner_exists) {
  CHRONICLE_RETURN_IF_ERROR(CheckOpen(state));
  return record::DecideOwnerChange(state, owner_id, owner_exists);
}

Result<Conversion> PlanConversion(const record::State& lead) {
  CHRONICLE_RETURN_IF_ERROR(CheckOpen(lead));
  const Json& name = record::Field(lead, "name");
  const Json& company = record::Field(lead, "company");
  Conversion plan;
  plan.customer = Json::MakeObject();
  // The company becomes the customer; without one, the lead itself is the customer.
  plan.customer.Set("name", Blank(company) ? name : company);
  for (std::string_view field : {"source", "industry", "region", "address", "phone",
                                 "next_contact_at", "remark", "owner_id"}) {
    const Json& v = record::Field(lead, field);
    if (!v.is_null()) plan.customer.Set(std::string(field), v);
  }
  // Level is free text on a lead; it carries over when it is a customer level.
  const Json& level = record::Field(lead, "level");
  if (level.is_string() &&
      (level.as_string() == "a" || level.as_string() == "b" || level.as_string() == "c")) {
    plan.customer.Set("level", level);
  }
  // A person's details: the lead names a person at a company, or has a way to reach one.
  const bool person = !Blank(company) || !Blank(record::Field(lead, "mobile")) ||
                      !Blank(record::Field(lead, "email"));
  if (person) {
    Json contact = Json::MakeObject();
    contact.Set("name", name);
    for (std::string_view field : {"mobile", "phone", "email", "address", "owner_id"}) {
      const Json& v = record::Field(lead, field);
      if (!v.is_null()) contact.Set(std::string(field), v);
    }
    contact.Set("is_primary", true);
    plan.contact = std::move(contact);
  }
  return plan;
}

Result<std::vector<record::Event>> DecideConvert(const record::State& state,
                                                 const std::string& customer_id,
                                                 const std::string& contact_id) {
  CHRONICLE_RETURN_IF_ERROR(CheckOpen(state));
  record::Event e;
  e.action = "Converted";
  e.set.Set("status", "converted");
  e.set.Set("customer_id", customer_id);
  if (!contact_id.empty()) e.set.Set("contact_id", contact_id);
  return std::vector<record::Event>{std::move(e)};
}

}  // namespace chronicle::domain::lead

// 联系人.
namespace chronicle::domain::contact {

const EntitySpec& Spec() { return *FindEntityByName("contact"); }

Result<std::vector<record::Event>> DecideTransfer(const record::State& state,
                                                  const std::string& owner_id, bool owner_exists) {
  if (!state.exists || state.deleted) return NotFoundError("contact not found");
  return record::DecideOwnerChange(state, owner_id, owner_exists);
}

}  // namespace chronicle::domain::contact

// 跟进记录.
namespace chronicle::domain::follow_up {

const EntitySpec& Spec() { return *FindEntityByName("follow_up"); }

Result<std::vector<record::Event>> DecideFollowedUp(const record::State& target,
                                                    const std::string& follow_up_id,
                                                    const std::string& at,
                                                    const Json& next_contact_at) {
  if (!target.exists || target.deleted) return FieldError("target_id", "the target does not exist");
  record::Event e;
  e.action = "FollowedUp";
  // An older follow-up entered late does not move the clock back.
  const std::string last = record::StringField(target, "last_follow_up_at");
  if (last.empty() || last < at) e.set.Set("last_follow_up_at", at);
  if (!next_contact_at.is_null()) e.set.Set("next_contact_at", next_contact_at);
  e.info.Set("follow_up_id", follow_up_id);
  return std::vector<record::Event>{std::move(e)};
}

}  // namespace chronicle::domain::follow_up
