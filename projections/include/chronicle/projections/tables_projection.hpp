#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/result.hpp"
#include "chronicle/domain/fields.hpp"
#include "chronicle/projections/projection.hpp"

// The query engine of the field-table entities (leads, customers, contacts,
// follow-ups, custom fields, views): one compact in-memory table per entity,
// fed by the log, answering lists (filters, sorts, keyset cursors, q=
// search, exact totals) within the caller's visibility. Each record is
// persisted as one document (key = stream name) with the checkpoint.
namespace chronicle::projections {

// Query parameters as the API decoded them (percent-decoded, repeated keys kept).
using QueryParams = std::multimap<std::string, std::string, std::less<>>;

// Which records a caller may see, computed by the API from its data scope.
struct Visibility {
  bool all = false;                 // scope "all": every owned record
  std::vector<std::string> owners;  // otherwise: records owned by one of these users
  std::string member;               // ... or where this user is a team member not expired at now_ns
  std::int64_t now_ns = 0;
  // kOwned: records with an owner (the lists); kUnowned: records without one
  // (the public pool; `all`, `owners` and `member` are then ignored).
  enum class Owner { kOwned, kUnowned } owner = Owner::kOwned;
};

struct ListPage {
  std::vector<Json> items;
  std::string next_cursor;  // empty on the last page
  std::uint64_t total = 0;  // every match, not just this page
};

struct TeamEntry {
  std::string user_id;
  std::string access;                      // "read" | "write"
  std::optional<std::int64_t> expires_ns;  // none: never expires
};

// One record as the table holds it.
struct TableRecord {
  Json body;  // the rendered resource body, as lists return it
  std::string owner_id;
  bool deleted = false;
  std::uint64_t version = 0;   // stream version of the last event
  std::uint64_t position = 0;  // log position of the last event
  std::vector<TeamEntry> team;
};

// A parsed list query. Parse errors are kInvalidArgument naming the query
// parameter (Status::parameter()): unknown or non-filterable field, unknown
// operator, a value that does not parse, a bad sort, limit or cursor.
class TableQuery {
 public:
  enum class Op : std::uint8_t { kEq, kNe, kGt, kGte, kLt, kLte, kIn, kContains };
  // Which value of a row a filter or sort reads.
  struct Column {
    enum class Kind : std::uint8_t { kField, kCustom, kCreatedAt, kUpdatedAt, kCreatedBy, kId };
    Kind kind = Kind::kField;
    std::size_t field = 0;  // kField: index in spec.fields
    std::string key;        // kCustom: the custom field key
    domain::FieldType type = domain::FieldType::kText;
    std::vector<std::string> options;  // enums: the allowed values
  };
  struct Filter {
    std::string parameter;  // as given: "level.in"
    Column column;
    Op op = Op::kEq;
    std::vector<Json> values;  // normalized by the field's type (kContains: the folded needle)
  };
  struct SortKey {
    Column column;
    bool descending = false;
  };

  static constexpr std::size_t kDefaultLimit = 20;
  static constexpr std::size_t kMaxLimit = 500;

  static Result<TableQuery> Parse(const domain::EntitySpec& spec,
                                  std::span<const domain::CustomField> custom,
                                  const QueryParams& params);

  [[nodiscard]] const std::vector<Filter>& filters() const { return filters_; }
  // Sort keys as given; rows tie on them are ordered by id descending.
  [[nodiscard]] const std::vector<SortKey>& sort() const { return sort_; }
  [[nodiscard]] std::size_t limit() const { return limit_; }
  // The folded q= text, empty when absent.
  [[nodiscard]] const std::string& search() const { return search_; }
  // Decoded cursor: the last row's sort values and id (no cursor: nullopt).
  [[nodiscard]] const std::optional<std::pair<std::vector<Json>, std::string>>& after() const {
    return after_;
  }
  // The sort parameter as normalized; cursors are bound to it.
  [[nodiscard]] const std::string& sort_text() const { return sort_text_; }

  // The cursor that resumes after a row with these sort values and id.
  [[nodiscard]] std::string MakeCursor(const std::vector<Json>& values, std::string_view id) const;

 private:
  std::vector<Filter> filters_;
  std::vector<SortKey> sort_;
  std::string sort_text_;
  std::size_t limit_ = kDefaultLimit;
  std::string search_;
  std::optional<std::pair<std::vector<Json>, std::string>> after_;
};

// Computes the derived fields of a row (customers.pool_due_at) from its
// rendered body (or only its input fields: SetDeriver); returns an object
// {field: value}. Must not call back into the projection (it runs under its
// lock).
using Deriver = std::function<Json(const Json& body)>;

// Thread-safety: Load/Apply on the runtime thread; queries from any thread
// (a shared lock; Apply decodes a batch first and then holds the exclusive
// lock only to fold it).
class TablesProjection final : public Projection {
 public:
  TablesProjection();
  ~TablesProjection() override;
  TablesProjection(const TablesProjection&) = delete;
  TablesProjection& operator=(const TablesProjection&) = delete;

  [[nodiscard]] std::string_view name() const override { return "tables"; }
  Status Load(std::span<const std::pair<std::string, std::string>> documents) override;
  // Decodes each document as it comes.
  Status LoadFrom(const DocumentSource& source) override;
  // Malformed events are logged and skipped: one bad record never stops the projection.
  Status Apply(std::span<const eventstore::RecordedEvent> events, DocChanges& changes) override;
  [[nodiscard]] std::map<std::string, std::string> Documents() const override;

  // One page of the list, parsed with the entity's current custom fields.
  Result<ListPage> List(const domain::EntitySpec& spec, const QueryParams& params,
                        const Visibility& visibility) const;
  // Every match in query order (limit and cursor ignored), rendered in
  // chunks so no lock is held for long; stops at the first error of `emit`.
  Status Scan(const domain::EntitySpec& spec, const QueryParams& params,
              const Visibility& visibility, const std::function<Status(const Json&)>& emit) const;
  // The record (also when deleted); nullopt when it never existed.
  [[nodiscard]] std::optional<TableRecord> Get(const domain::EntitySpec& spec,
                                               std::string_view id) const;
  // Whether a live record other than `except_id` holds `folded`
  // (domain::FoldForCompare) in `field` ("name" or "custom.KEY").
  [[nodiscard]] bool Taken(const domain::EntitySpec& spec, std::string_view field,
                           std::string_view folded, std::string_view except_id) const;
  // Ids of live records whose `field` equals `value` (the contacts of a customer).
  [[nodiscard]] std::vector<std::string> IdsWhere(const domain::EntitySpec& spec,
                                                  std::string_view field,
                                                  std::string_view value) const;
  // Live records owned by `owner_id`.
  [[nodiscard]] std::size_t CountOwned(const domain::EntitySpec& spec,
                                       std::string_view owner_id) const;
  // The live custom-field definitions of `entity_name` ("customer").
  [[nodiscard]] std::vector<domain::CustomField> CustomFieldsOf(std::string_view entity_name) const;

  // Installs the deriver of `collection`'s kDerived fields; Rederive
  // recomputes them for every row (after the rules changed). With `inputs`
  // (names of the entity's own fields), the deriver gets an object of only
  // those fields and runs only when an event changes one of them (and on
  // create, delete, restore, load and Rederive); without, it gets the whole
  // rendered body after every event of the row.
  void SetDeriver(std::string_view collection, Deriver deriver,
                  const std::vector<std::string>& inputs = {});
  void Rederive(std::string_view collection);

  struct Table;  // private to tables_projection.cpp

 private:
  Table* TableOf(const domain::EntitySpec& spec) const;
  // CustomFieldsOf with mu_ already held (shared or exclusive).
  std::vector<domain::CustomField> CustomFieldsHeld(std::string_view entity_name) const;

  mutable std::shared_mutex mu_;
  std::vector<std::unique_ptr<Table>> tables_;  // one per AllEntitySpecs(); guarded by mu_
};

}  // namespace chronicle::projections
