#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chronicle/base/result.hpp"
#include "chronicle/domain/fields.hpp"
#include "chronicle/domain/record.hpp"

// 客户: the business actions on a customer. Its fields are the table
// `CustomerSpec()`; create / update / delete / restore are generic
// (record.hpp). Pool actions (release, claim, assign, recycle) are in pool.hpp.
namespace chronicle::domain::customer {

const EntitySpec& Spec();

// Hand the customer to another rep. The old owner may stay on the team.
struct Transfer {
  std::string owner_id;
  bool owner_exists = false;
  std::string keep_old_owner_as = "none";  // none | read | write
  std::int64_t now_ns = 0;                 // the new owner's owned_since
};
Result<std::vector<record::Event>> DecideTransfer(const record::State& state, const Transfer& c);

// A locked customer is kept out of the pool's recycling (when the rules say so).
Result<std::vector<record::Event>> DecideLock(const record::State& state, bool locked);

// Team members (团队成员) with read or write access and an optional expiry.
struct TeamAdd {
  std::string user_id;
  bool user_exists = false;
  std::string access = "read";  // read | write
  std::optional<std::int64_t> expires_at_ns;
};
Result<std::vector<record::Event>> DecideTeamAdd(const record::State& state, const TeamAdd& c,
                                                 std::int64_t now_ns);
Result<std::vector<record::Event>> DecideTeamRemove(const record::State& state,
                                                    const std::string& user_id);

// The user's access through the team: "read", "write" or "" (none, or expired at `now_ns`).
std::string TeamAccess(const Json& team, std::string_view user_id, std::int64_t now_ns);

}  // namespace chronicle::domain::customer

// 线索: transfer and convert.
namespace chronicle::domain::lead {

const EntitySpec& Spec();

// A converted lead is read-only: no edit, transfer or second conversion.
Status CheckOpen(const record::State& state);

Result<std::vector<record::Event>> DecideTransfer(const record::State& state,
                                                  const std::string& owner_id, bool owner_exists);

// What a conversion creates, from the lead's fields: the customer (named
// after the company, or the lead when it has none) and, when the lead
// carries a person's details, a contact.
struct Conversion {
  Json customer;                // values for the new customer
  std::optional<Json> contact;  // values for the new contact (customer_id filled by the caller)
};
Result<Conversion> PlanConversion(const record::State& lead);
Result<std::vector<record::Event>> DecideConvert(const record::State& state,
                                                 const std::string& customer_id,
                                                 const std::string& contact_id);

}  // namespace chronicle::domain::lead

// 联系人: transfer.
namespace chronicle::domain::contact {
const EntitySpec& Spec();
Result<std::vector<record::Event>> DecideTransfer(const record::State& state,
                                                  const std::string& owner_id, bool owner_exists);
}  // namespace chronicle::domain::contact

// 跟进记录: what a follow-up does to its target (lead, customer, contact):
// sets last_follow_up_at and next_contact_at, which resets the pool's
// no-follow-up clock.
namespace chronicle::domain::follow_up {
const EntitySpec& Spec();
Result<std::vector<record::Event>> DecideFollowedUp(const record::State& target,
                                                    const std::string& follow_up_id,
                                                    const std::string& at,
                                                    const Json& next_contact_at);
}  // namespace chronicle::domain::follow_up
