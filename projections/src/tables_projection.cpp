#include "chronicle/projections/tables_projection.hpp"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <deque>
#include <mutex>
#include <queue>
#include <roaring/roaring.hh>
#include <unordered_map>

#include "chronicle/base/hex.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/json/parse.hpp"
#include "table_values.hpp"

namespace chronicle::projections {

using domain::FieldType;
using tables::Key;
using tables::Sym;
using tables::Value;
using Column = TableQuery::Column;
using Op = TableQuery::Op;

namespace {

// Bigram of folded code points: the unit of the q= index.
std::uint64_t Gram(char32_t a, char32_t b) { return (static_cast<std::uint64_t>(a) << 32) | b; }

constexpr std::string_view kIgnoredParams[] = {
    "scope",          "min_position", "format", "ids",  "as_of",
    "as_of_position", "limit",        "cursor", "sort", "q"};

struct Row {
  std::string id;
  std::uint64_t version = 0;
  std::uint64_t position = 0;
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
  Sym created_by = 0;
  bool has_created_by = false;
  bool deleted = false;
  std::vector<Value> values;                  // by field index
  std::vector<std::pair<Sym, Value>> custom;  // in insertion order
  std::string search;                         // folded kSearch fields, '\n' between
};

enum class Action : std::uint8_t { kCreated, kDeleted, kRestored, kOther };

// One event's payload as the fold needs it, read straight from the JSON
// text (no Json tree): the fields it sets, converted by their type but not
// yet bound to the table's string pool (symbols are still text).
struct DecodedEvent {
  Action action = Action::kOther;
  std::vector<std::pair<std::uint32_t, Value>> fields;  // field index, value; payload order
  bool custom_clear = false;                            // "custom" set to a non-object
  std::vector<std::pair<std::string, Value>> custom;    // merged by key; null removes
};

simdjson::dom::parser& Parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// A value that is neither null, a boolean, an int64 nor a string: through
// the Json parser (exactly what ParseJson would have made of it).
Result<Value> ConvertOther(domain::FieldType type, simdjson::dom::element element) {
  CHRONICLE_ASSIGN_OR_RETURN(Json json, ParseJson(simdjson::minify(element)));
  return tables::FromJson(type, json, nullptr);
}

Result<Value> Convert(domain::FieldType type, simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return Value{};
    case simdjson::dom::element_type::BOOL:
      return Value{bool(element.get_bool().value_unsafe())};
    case simdjson::dom::element_type::INT64:
      return Value{tables::Int{element.get_int64().value_unsafe()}};
    case simdjson::dom::element_type::STRING:
      return tables::FromText(type, element.get_string().value_unsafe(), nullptr);
    default:
      return ConvertOther(type, element);
  }
}

// Decodes `payload` ({"set": {...}, "info": {...}}) of an event of `type`
// (record::DecodeEvent + record::Evolve's reading of `set`).
Status DecodePayload(const domain::EntitySpec& spec, std::string_view type,
                     std::string_view payload, DecodedEvent& out) {
  if (!type.starts_with(spec.event_prefix) || type.size() == spec.event_prefix.size()) {
    return InvalidArgumentError("unknown " + std::string(spec.name) + " event type " +
                                std::string(type));
  }
  const std::string_view action = type.substr(spec.event_prefix.size());
  out.action = action == domain::record::kCreated    ? Action::kCreated
               : action == domain::record::kDeleted  ? Action::kDeleted
               : action == domain::record::kRestored ? Action::kRestored
                                                     : Action::kOther;
  // A padded copy in a reused buffer: no allocation per event.
  thread_local std::string buffer;
  buffer.reserve(payload.size() + simdjson::SIMDJSON_PADDING);
  buffer.assign(payload);
  simdjson::dom::element root;
  if (auto error = Parser().parse(buffer.data(), buffer.size(), false).get(root); error) {
    return InvalidArgumentError(std::string("malformed JSON: ") + simdjson::error_message(error));
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return Status::Ok();
  simdjson::dom::object set;
  if (object["set"].get_object().get(set) != simdjson::SUCCESS) return Status::Ok();
  std::uint64_t seen = 0;
  for (const auto field : set) {
    if (field.key == "custom") {
      simdjson::dom::object custom;
      if (field.value.get_object().get(custom) != simdjson::SUCCESS) {
        out.custom_clear = true;
        out.custom.clear();
        continue;
      }
      for (const auto entry : custom) {
        CHRONICLE_ASSIGN_OR_RETURN(Value v, Convert(FieldType::kText, entry.value));
        out.custom.emplace_back(std::string(entry.key), std::move(v));
      }
      continue;
    }
    const domain::FieldSpec* f = spec.Find(field.key);
    if (f == nullptr || f->Has(domain::kDerived)) continue;
    const auto i = static_cast<std::uint32_t>(f - spec.fields.data());
    if (i < 64) {
      if ((seen & (std::uint64_t{1} << i)) != 0) {
        return InvalidArgumentError("duplicate key '" + std::string(field.key) + "'");
      }
      seen |= std::uint64_t{1} << i;
    }
    CHRONICLE_ASSIGN_OR_RETURN(Value v, Convert(f->type, field.value));
    out.fields.emplace_back(i, std::move(v));
  }
  return Status::Ok();
}

}  // namespace

struct TablesProjection::Table {
  explicit Table(const domain::EntitySpec& s) : spec(&s) {
    sym_index.resize(s.fields.size());
    unique.resize(s.fields.size());
    sort_prefix.resize(s.fields.size());
    keep_prefix.assign(s.fields.size(), 0);
    for (std::size_t i = 0; i < s.fields.size(); ++i) {
      const FieldType type = s.fields[i].type;
      keep_prefix[i] = static_cast<char>(
          s.fields[i].Has(domain::kSort) &&
          (type == FieldType::kText || type == FieldType::kLongText || type == FieldType::kEnum ||
           type == FieldType::kUser || type == FieldType::kRef || type == FieldType::kDate));
      if (s.fields[i].name == "owner_id") owner_field = static_cast<int>(i);
      if (s.fields[i].type == FieldType::kTeam) team_field = static_cast<int>(i);
    }
  }

  const domain::EntitySpec* spec;
  tables::StringPool pool;
  std::deque<Row> rows;        // a row never moves (no reallocation copies)
  tables::RowHashIndex by_id;  // hash of the id -> row
  Roaring live;                // rows not deleted
  Roaring unowned;             // live rows without an owner
  Roaring owned;               // live rows with an owner
  // Every row (deleted ones too) by id ascending: the default order (id
  // descending) is walked from its end. Rows created out of id order wait
  // in order_pending until the end of the batch (FlushOrder).
  std::vector<std::uint32_t> id_order;
  std::vector<std::uint32_t> order_pending;
  std::vector<std::unordered_map<Sym, Roaring>> sym_index;  // kEnum/kUser/kRef fields
  std::unordered_map<Sym, Roaring> members;                 // team user -> rows
  std::unordered_map<std::uint64_t, Roaring> grams;         // q= index
  // Bigrams to add (gram, row), applied in one sorted pass (FlushGrams)
  // before the lock is released and before any bigram is removed.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> pending_grams;
  // kUnique fields: the hash of the folded value -> live rows (Taken compares the values).
  std::vector<tables::RowHashIndex> unique;
  // Sortable text fields: each row's Prefix of its sort key, so a sort
  // orders most pairs of rows without reading them.
  std::vector<std::vector<std::uint64_t>> sort_prefix;  // by field; empty: not kept
  std::vector<char> keep_prefix;
  int owner_field = -1;
  int team_field = -1;
  Deriver deriver;
  // The fields the deriver reads (SetDeriver's inputs): bit i = field i;
  // nullopt: the whole body, after every event.
  std::optional<std::uint64_t> derive_inputs;

  [[nodiscard]] std::optional<std::uint32_t> FindRow(std::string_view id) const {
    std::optional<std::uint32_t> found;
    by_id.Any(tables::HashText(id), [&](std::uint32_t r) {
      if (rows[r].id != id) return false;
      found = r;
      return true;
    });
    return found;
  }

  [[nodiscard]] std::string_view Owner(const Row& row) const {
    if (owner_field < 0) return {};
    return tables::TextOf(row.values[owner_field], pool);
  }

  [[nodiscard]] std::string SearchText(const Row& row) const {
    std::string out;
    std::string folded;
    for (std::size_t i = 0; i < spec->fields.size(); ++i) {
      if (!spec->fields[i].Has(domain::kSearch)) continue;
      const std::string_view text = tables::TextOf(row.values[i], pool);
      if (text.empty()) continue;
      tables::Fold(text, folded);
      if (!out.empty()) out.push_back('\n');
      out += folded;
    }
    return out;
  }

  // The distinct bigrams of a search text (lines apart), sorted.
  static void GramsOf(std::string_view text, std::vector<std::uint64_t>& out) {
    out.clear();
    char32_t prev = 0;
    bool have = false;
    for (std::size_t i = 0; i < text.size();) {
      const char32_t cp = tables::NextCodePoint(text, i);
      if (cp == '\n') {
        have = false;
        continue;
      }
      if (have) out.push_back(Gram(prev, cp));
      prev = cp;
      have = true;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }

  // Moves row r's bigrams from the search text `before` to `after`
  // (only the bigrams that differ).
  void Regram(std::uint32_t r, std::string_view before, std::string_view after) {
    thread_local std::vector<std::uint64_t> old_grams;
    thread_local std::vector<std::uint64_t> new_grams;
    GramsOf(before, old_grams);
    GramsOf(after, new_grams);
    if (old_grams.empty()) {
      for (const std::uint64_t g : new_grams) pending_grams.emplace_back(g, r);
      if (pending_grams.size() >= (std::size_t{1} << 16)) FlushGrams();
      return;
    }
    FlushGrams();
    auto o = old_grams.begin();
    auto n = new_grams.begin();
    while (o != old_grams.end() || n != new_grams.end()) {
      if (n == new_grams.end() || (o != old_grams.end() && *o < *n)) {
        if (auto it = grams.find(*o); it != grams.end()) it->second.remove(r);
        ++o;
      } else if (o == old_grams.end() || *n < *o) {
        grams[*n].add(r);
        ++n;
      } else {
        ++o;
        ++n;
      }
    }
  }

  void FlushGrams() {
    if (pending_grams.empty()) return;
    // Group the adds by bigram, each bigram's rows in the order they came
    // (ascending during a rebuild): a small open-addressing table of the
    // batch's distinct bigrams, their adds chained. No sort.
    struct Slot {
      std::uint64_t gram;
      std::uint32_t head;
      std::uint32_t tail;
    };
    constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // never a bigram (code points < 2^21)
    thread_local std::vector<Slot> slots;
    thread_local std::vector<std::uint32_t> next;
    thread_local std::vector<std::uint32_t> distinct;
    thread_local std::vector<std::uint32_t> batch;
    std::size_t cap = 64;
    while (cap < pending_grams.size() * 2) cap <<= 1;
    slots.assign(cap, Slot{kEmpty, 0, 0});
    next.assign(pending_grams.size(), 0);
    distinct.clear();
    for (std::uint32_t k = 0; k < pending_grams.size(); ++k) {
      const std::uint64_t g = pending_grams[k].first;
      std::size_t i = static_cast<std::size_t>((g * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
      while (slots[i].gram != kEmpty && slots[i].gram != g) i = (i + 1) & (cap - 1);
      if (slots[i].gram == kEmpty) {
        slots[i] = Slot{g, k, k};
        distinct.push_back(static_cast<std::uint32_t>(i));
      } else {
        next[slots[i].tail] = k;
        slots[i].tail = k;
      }
    }
    for (const std::uint32_t i : distinct) {
      batch.clear();
      for (std::uint32_t k = slots[i].head;; k = next[k]) {
        batch.push_back(pending_grams[k].second);
        if (k == slots[i].tail) break;
      }
      grams[slots[i].gram].addMany(batch.size(), batch.data());
    }
    pending_grams.clear();
  }

  static std::uint64_t UniqueHash(std::string_view folded) { return tables::HashText(folded); }

  // Adds (or removes) row r to the indexes of field i (its current value).
  // An order-preserving digest of a sort key: the tag in the top byte, then
  // the first 7 bytes of text. Different digests order their keys; equal
  // ones need Compare.
  static std::uint64_t Prefix(const Key& key) {
    std::uint64_t p = static_cast<std::uint64_t>(key.tag) << 56;
    if (key.tag == 2) {
      for (std::size_t k = 0; k < 7 && k < key.s.size(); ++k) {
        p |= static_cast<std::uint64_t>(static_cast<unsigned char>(key.s[k])) << (48 - 8 * k);
      }
    }
    return p;
  }

  void IndexField(std::uint32_t r, std::size_t i, bool add) {
    Row& row = rows[r];
    const Value& v = row.values[i];
    if (add && keep_prefix[i] != 0) {
      auto& prefixes = sort_prefix[i];
      if (prefixes.size() <= r) prefixes.resize(rows.size());
      prefixes[r] = Prefix(tables::KeyOf(spec->fields[i].type, v, pool));
    }
    if (const auto* sym = std::get_if<tables::SymRef>(&v)) {
      add ? sym_index[i][sym->v].add(r) : sym_index[i][sym->v].remove(r);
    }
    if (!row.deleted && spec->fields[i].Has(domain::kUnique)) {
      const std::string_view text = tables::TextOf(v, pool);
      if (!text.empty()) {
        thread_local std::string folded;
        tables::Fold(text, folded);
        auto& index = unique[i];
        const std::uint64_t h = UniqueHash(folded);
        if (add) {
          index.Insert(h, r);
        } else {
          index.Erase(h, r);
        }
      }
    }
    if (static_cast<int>(i) == team_field) {
      if (const auto* team = std::get_if<tables::Team>(&v)) {
        for (const auto& item : *team) {
          add ? members[item.user].add(r) : members[item.user].remove(r);
        }
      }
    }
  }

  // Adds (or removes) row r to the live/owned/unowned sets.
  void IndexPlacement(std::uint32_t r, bool add) {
    const Row& row = rows[r];
    if (row.deleted) return;
    Roaring& placed = Owner(row).empty() ? unowned : owned;
    if (add) {
      live.add(r);
      placed.add(r);
    } else {
      live.remove(r);
      placed.remove(r);
    }
  }

  // Adds (or removes) row r to every index its current values place it in.
  void Index(std::uint32_t r, bool add) {
    IndexPlacement(r, add);
    for (std::size_t i = 0; i < spec->fields.size(); ++i) IndexField(r, i, add);
  }

  // Places a new row in id_order (at the end when its id is the greatest).
  void AddToOrder(std::uint32_t r) {
    if (order_pending.empty() && (id_order.empty() || rows[id_order.back()].id < rows[r].id)) {
      id_order.push_back(r);
    } else {
      order_pending.push_back(r);
    }
  }

  void FlushOrder() {
    if (order_pending.empty()) return;
    auto id_less = [&](std::uint32_t a, std::uint32_t b) { return rows[a].id < rows[b].id; };
    std::sort(order_pending.begin(), order_pending.end(), id_less);
    // Only the tail from the smallest pending id on moves: ids are
    // time-ordered, so late rows land near the end and a batch costs its
    // own size, not the table's (merging from the start was quadratic over
    // a load: 6M events with concurrent writers stalled for minutes).
    const auto start =
        std::upper_bound(id_order.begin(), id_order.end(), order_pending.front(), id_less) -
        id_order.begin();
    const auto middle = static_cast<std::ptrdiff_t>(id_order.size());
    id_order.insert(id_order.end(), order_pending.begin(), order_pending.end());
    std::inplace_merge(id_order.begin() + start, id_order.begin() + middle, id_order.end(),
                       id_less);
    order_pending.clear();
  }

  void Derive(Row& row) {
    if (!deriver) return;
    bool any = false;
    for (std::size_t i = 0; i < spec->fields.size(); ++i) {
      if (spec->fields[i].Has(domain::kDerived)) {
        row.values[i] = std::monostate{};
        any = true;
      }
    }
    if (!any) return;
    const Json derived = deriver(derive_inputs ? RenderInputs(row) : Render(row));
    if (!derived.is_object()) return;
    for (const auto& [name, value] : derived.as_object()) {
      const domain::FieldSpec* field = spec->Find(name);
      if (field == nullptr || !field->Has(domain::kDerived)) continue;
      row.values[field - spec->fields.data()] = tables::FromJson(field->type, value, &pool);
    }
  }

  // The deriver's input fields of the row, as Render writes them.
  [[nodiscard]] Json RenderInputs(const Row& row) const {
    Json out = Json::MakeObject();
    for (std::size_t i = 0; i < spec->fields.size(); ++i) {
      if ((*derive_inputs & (std::uint64_t{1} << i)) == 0) continue;
      out.as_object().emplace_back(std::string(spec->fields[i].name), RenderValue(row, i));
    }
    return out;
  }

  [[nodiscard]] Json RenderValue(const Row& row, std::size_t i) const {
    const domain::FieldSpec& field = spec->fields[i];
    const Value& v = row.values[i];
    if (v.index() == 0 && field.type == FieldType::kTeam) return Json::MakeArray();
    if (v.index() == 0 && field.type == FieldType::kBool) return false;
    return tables::ToJson(v, pool);
  }

  [[nodiscard]] Json Render(const Row& row) const {
    Json out = Json::MakeObject();
    auto& o = out.as_object();
    o.reserve(spec->fields.size() + 7);
    o.emplace_back("id", row.id);
    o.emplace_back("version", static_cast<std::int64_t>(row.version));
    o.emplace_back("created_at", FormatTimestamp(row.created_ns));
    o.emplace_back("updated_at", FormatTimestamp(row.updated_ns));
    o.emplace_back("created_by", row.has_created_by ? Json(pool.Get(row.created_by)) : Json());
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < spec->fields.size(); ++i) {
        const domain::FieldSpec& field = spec->fields[i];
        if (field.Has(domain::kDerived) != (pass == 1)) continue;
        const Value& v = row.values[i];
        if (v.index() == 0 && field.type == FieldType::kTeam) {
          o.emplace_back(std::string(field.name), Json::MakeArray());
        } else if (v.index() == 0 && field.type == FieldType::kBool) {
          o.emplace_back(std::string(field.name), false);
        } else {
          o.emplace_back(std::string(field.name), tables::ToJson(v, pool));
        }
      }
    }
    if (spec->custom_fields) {
      Json custom = Json::MakeObject();
      for (const auto& [key, value] : row.custom) {
        custom.as_object().emplace_back(pool.Get(key), tables::ToJson(value, pool));
      }
      o.emplace_back("custom", std::move(custom));
    }
    return out;
  }

  [[nodiscard]] std::string Encode(const Row& row) const {
    std::string out = "T";
    out.push_back(1);
    tables::PutVarint(out, row.version);
    tables::PutVarint(out, row.position);
    tables::PutVarint(out, static_cast<std::uint64_t>(row.created_ns));
    tables::PutVarint(out, static_cast<std::uint64_t>(row.updated_ns));
    tables::PutString(out, row.has_created_by ? pool.Get(row.created_by) : std::string_view());
    out.push_back(row.deleted ? 1 : 0);
    std::size_t n = 0;
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      n += row.values[i].index() != 0 && !spec->fields[i].Has(domain::kDerived) ? 1 : 0;
    }
    tables::PutVarint(out, n);
    for (std::size_t i = 0; i < row.values.size(); ++i) {
      if (row.values[i].index() == 0 || spec->fields[i].Has(domain::kDerived)) continue;
      tables::PutString(out, spec->fields[i].name);
      tables::PutValue(out, row.values[i], pool);
    }
    tables::PutVarint(out, row.custom.size());
    for (const auto& [key, value] : row.custom) {
      tables::PutString(out, pool.Get(key));
      tables::PutValue(out, value, pool);
    }
    return out;
  }

  bool Decode(std::string_view id, std::string_view doc) {
    if (doc.size() < 2 || doc[0] != 'T' || doc[1] != 1) return false;
    tables::Reader in(doc.substr(2));
    Row row;
    row.id = std::string(id);
    row.values.resize(spec->fields.size());
    std::uint64_t created = 0;
    std::uint64_t updated = 0;
    std::string_view created_by;
    std::uint8_t deleted = 0;
    std::uint64_t n = 0;
    if (!in.Varint(row.version) || !in.Varint(row.position) || !in.Varint(created) ||
        !in.Varint(updated) || !in.String(created_by) || !in.Byte(deleted) || !in.Varint(n)) {
      return false;
    }
    row.created_ns = static_cast<std::int64_t>(created);
    row.updated_ns = static_cast<std::int64_t>(updated);
    row.has_created_by = !created_by.empty();
    if (row.has_created_by) row.created_by = pool.Intern(created_by);
    row.deleted = deleted != 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      std::string_view name;
      Value value;
      if (!in.String(name) || !in.ReadValue(value, pool)) return false;
      if (const domain::FieldSpec* field = spec->Find(name)) {
        row.values[field - spec->fields.data()] = std::move(value);
      }
    }
    if (!in.Varint(n)) return false;
    for (std::uint64_t k = 0; k < n; ++k) {
      std::string_view key;
      Value value;
      if (!in.String(key) || !in.ReadValue(value, pool)) return false;
      row.custom.emplace_back(pool.Intern(key), std::move(value));
    }
    if (!in.done()) return false;
    const auto r = static_cast<std::uint32_t>(rows.size());
    by_id.Insert(tables::HashText(row.id), r);
    rows.push_back(std::move(row));
    AddToOrder(r);
    Derive(rows[r]);
    rows[r].search = SearchText(rows[r]);
    Regram(r, {}, rows[r].search);
    Index(r, true);
    return true;
  }

  // Sets the fields the event sets on row r. Unless `full` (the caller
  // re-indexes the whole row), takes each field it changes out of the
  // indexes first (and the row's placement with owner_id), marking it in
  // `changed` (bit i: field i) for Reindex.
  void Merge(std::uint32_t r, DecodedEvent& event, bool full, std::uint64_t& changed) {
    Row& row = rows[r];
    if (event.custom_clear) row.custom.clear();
    for (auto& [k, v] : event.custom) {
      const Sym sym = pool.Intern(k);
      auto it = std::find_if(row.custom.begin(), row.custom.end(),
                             [&](const auto& e) { return e.first == sym; });
      if (v.index() == 0) {
        if (it != row.custom.end()) row.custom.erase(it);
      } else if (it != row.custom.end()) {
        it->second = std::move(v);
      } else {
        row.custom.emplace_back(sym, std::move(v));
      }
    }
    for (auto& [i, value] : event.fields) {
      Unindex(r, i, full, changed);
      row.values[i] = tables::Bind(spec->fields[i].type, std::move(value), pool);
    }
  }

  // Takes field i of row r out of the indexes before it changes (once).
  void Unindex(std::uint32_t r, std::size_t i, bool full, std::uint64_t& changed) {
    if (full || (changed & (std::uint64_t{1} << i)) != 0) return;
    changed |= std::uint64_t{1} << i;
    if (static_cast<int>(i) == owner_field) IndexPlacement(r, false);
    IndexField(r, i, false);
  }

  // Folds one event of record `id` (record::Evolve's semantics). Returns the
  // row touched, or nullopt when the event was skipped. Creates, deletes and
  // restores re-index the whole row; other events only the fields they set.
  std::optional<std::uint32_t> Fold(std::string_view id, DecodedEvent& event,
                                    const eventstore::RecordedEvent& recorded) {
    const auto found = FindRow(id);
    std::uint32_t r = 0;
    // A field mask needs a bit per field.
    bool full = spec->fields.size() > 64;
    if (event.action == Action::kCreated) {
      full = true;
      if (!found) {
        r = static_cast<std::uint32_t>(rows.size());
        rows.emplace_back();
        rows[r].id = std::string(id);
        by_id.Insert(tables::HashText(id), r);
        AddToOrder(r);
      } else {
        r = *found;
        Index(r, false);
      }
      Row& row = rows[r];
      row.values.assign(spec->fields.size(), Value{});
      row.custom.clear();
      row.deleted = false;
      row.created_ns = recorded.recorded_at_ns;
      row.has_created_by = !recorded.metadata.actor.empty();
      if (row.has_created_by) row.created_by = pool.Intern(recorded.metadata.actor);
    } else {
      if (!found) {
        spdlog::warn("tables: {} at position {} for a record never created; skipped", recorded.type,
                     recorded.position);
        return std::nullopt;
      }
      r = *found;
      const bool deleted = event.action == Action::kDeleted
                               ? true
                               : (event.action == Action::kRestored ? false : rows[r].deleted);
      if (full || deleted != rows[r].deleted) {
        full = true;
        Index(r, false);
        rows[r].deleted = deleted;
      }
    }
    std::uint64_t changed = 0;
    Merge(r, event, full, changed);
    Row& row = rows[r];
    row.version = recorded.version;
    row.position = recorded.position;
    row.updated_ns = recorded.recorded_at_ns;
    if (deriver && (full || !derive_inputs || (changed & *derive_inputs) != 0)) {
      for (std::size_t i = 0; i < spec->fields.size(); ++i) {
        if (spec->fields[i].Has(domain::kDerived)) Unindex(r, i, full, changed);
      }
      Derive(row);
    }
    bool search_changed = full;
    for (std::size_t i = 0; i < spec->fields.size() && !search_changed; ++i) {
      search_changed =
          (changed & (std::uint64_t{1} << i)) != 0 && spec->fields[i].Has(domain::kSearch);
    }
    if (search_changed) {
      std::string search = SearchText(row);
      if (search != row.search) {
        Regram(r, row.search, search);
        row.search = std::move(search);
      }
    }
    if (full) {
      Index(r, true);
    } else {
      for (std::size_t i = 0; i < spec->fields.size(); ++i) {
        if ((changed & (std::uint64_t{1} << i)) == 0) continue;
        IndexField(r, i, true);
        if (static_cast<int>(i) == owner_field) IndexPlacement(r, true);
      }
    }
    return r;
  }

  // ---- Queries ---------------------------------------------------------------
  struct BoundColumn {
    const Column* column;
    std::optional<Sym> custom_key;
  };

  [[nodiscard]] BoundColumn Bind(const Column& column) const {
    BoundColumn bound{&column, std::nullopt};
    if (column.kind == Column::Kind::kCustom) bound.custom_key = pool.Find(column.key);
    return bound;
  }

  // The row's value of a column (nullptr: null).
  [[nodiscard]] const Value* ValueOf(const Row& row, const BoundColumn& c) const {
    if (c.column->kind == Column::Kind::kField) return &row.values[c.column->field];
    if (!c.custom_key) return nullptr;
    for (const auto& [key, value] : row.custom) {
      if (key == *c.custom_key) return &value;
    }
    return nullptr;
  }

  [[nodiscard]] Key KeyOf(const Row& row, const BoundColumn& c) const {
    Key key;
    switch (c.column->kind) {
      case Column::Kind::kCreatedAt:
        key.tag = 1;
        key.i = row.created_ns;
        return key;
      case Column::Kind::kUpdatedAt:
        key.tag = 1;
        key.i = row.updated_ns;
        return key;
      case Column::Kind::kCreatedBy:
        if (row.has_created_by) {
          key.tag = 2;
          key.s = pool.Get(row.created_by);
        }
        return key;
      case Column::Kind::kId:
        key.tag = 2;
        key.s = row.id;
        return key;
      default: {
        const Value* v = ValueOf(row, c);
        return v == nullptr ? key : tables::KeyOf(c.column->type, *v, pool);
      }
    }
  }

  [[nodiscard]] Roaring Candidates(const Visibility& vis) const {
    if (!spec->owned) return live;
    if (vis.owner == Visibility::Owner::kUnowned) return unowned;
    if (vis.all) return owned;
    Roaring out;
    if (owner_field >= 0) {
      std::vector<const Roaring*> parts;
      for (const std::string& owner : vis.owners) {
        const auto sym = pool.Find(owner);
        if (!sym) continue;
        const auto& index = sym_index[owner_field];
        if (auto it = index.find(*sym); it != index.end()) parts.push_back(&it->second);
      }
      if (!parts.empty()) out = Roaring::fastunion(parts.size(), parts.data());
      out &= owned;
    }
    if (!vis.member.empty() && team_field >= 0) {
      const auto sym = pool.Find(vis.member);
      auto it = sym ? members.find(*sym) : members.end();
      if (it != members.end()) {
        Roaring extra = it->second;
        extra &= owned;
        extra -= out;
        for (const std::uint32_t r : extra) {
          const auto* team = std::get_if<tables::Team>(&rows[r].values[team_field]);
          if (team == nullptr) continue;
          for (const auto& item : *team) {
            if (item.user == *sym && (!item.has_expiry || item.expires_ns > vis.now_ns)) {
              out.add(r);
              break;
            }
          }
        }
      }
    }
    return out;
  }
};

namespace {

using Table = TablesProjection::Table;

struct Compiled {
  struct Filter {
    const TableQuery::Filter* filter;
    Table::BoundColumn column;
    std::vector<Value> values;
    std::vector<Key> keys;
  };
  std::vector<Filter> filters;
  std::vector<Table::BoundColumn> sort;
  std::vector<bool> descending;
  std::optional<std::vector<Value>> after_values;
  std::vector<Key> after_keys;
  std::string after_id;
  std::vector<char32_t> search;  // q= folded, as code points
  std::string needle;            // ... and as text
  // The first sort key's prefixes (Table::sort_prefix), when kept; and the cursor's.
  const std::vector<std::uint64_t>* prefix = nullptr;
  std::uint64_t after_prefix = 0;
};

Compiled Compile(const Table& t, const TableQuery& query) {
  Compiled c;
  for (const auto& filter : query.filters()) {
    Compiled::Filter f{&filter, t.Bind(filter.column), {}, {}};
    if (filter.op != Op::kContains) {
      for (const Json& v : filter.values)
        f.values.push_back(tables::FromJson(FieldType::kText, v, nullptr));
      for (const Value& v : f.values)
        f.keys.push_back(tables::KeyOf(filter.column.type, v, t.pool));
    }
    c.filters.push_back(std::move(f));
  }
  for (const auto& s : query.sort()) {
    c.sort.push_back(t.Bind(s.column));
    c.descending.push_back(s.descending);
  }
  if (query.after()) {
    c.after_values.emplace();
    for (const Json& v : query.after()->first) {
      c.after_values->push_back(tables::FromJson(FieldType::kText, v, nullptr));
    }
    for (std::size_t i = 0; i < c.after_values->size(); ++i) {
      c.after_keys.push_back(
          tables::KeyOf(query.sort()[i].column.type, (*c.after_values)[i], t.pool));
    }
    c.after_id = query.after()->second;
  }
  c.search = tables::CodePoints(query.search());
  c.needle = query.search();
  if (!c.sort.empty() && c.sort[0].column->kind == Column::Kind::kField) {
    const auto& prefixes = t.sort_prefix[c.sort[0].column->field];
    if (!prefixes.empty() && prefixes.size() == t.rows.size()) c.prefix = &prefixes;
    if (c.after_values) c.after_prefix = Table::Prefix(c.after_keys[0]);
  }
  return c;
}

bool Matches(const Table& t, const Row& row, const Compiled::Filter& f) {
  const auto op = f.filter->op;
  if (op == Op::kContains) {
    const Value* v = t.ValueOf(row, f.column);
    std::string_view text;
    if (f.column.column->kind == Column::Kind::kCreatedBy && row.has_created_by) {
      text = t.pool.Get(row.created_by);
    } else if (v != nullptr) {
      text = tables::TextOf(*v, t.pool);
    }
    if (text.empty()) return f.filter->values[0].as_string().empty();
    return domain::FoldForCompare(text).find(f.filter->values[0].as_string()) != std::string::npos;
  }
  // A set of values (multiselect, labels) equals a value it contains.
  if (op == Op::kEq || op == Op::kNe || op == Op::kIn) {
    const Value* v = t.ValueOf(row, f.column);
    if (v != nullptr) {
      if (const auto* raw = std::get_if<tables::Raw>(v); raw && raw->json->first.is_array()) {
        bool hit = false;
        for (const Json& element : raw->json->first.as_array()) {
          for (const Json& target : f.filter->values) hit = hit || element == target;
        }
        return op == Op::kNe ? !hit : hit;
      }
    }
  }
  const Key key = t.KeyOf(row, f.column);
  switch (op) {
    case Op::kEq:
      return Compare(key, f.keys[0]) == 0;
    case Op::kNe:
      return Compare(key, f.keys[0]) != 0;
    case Op::kIn:
      return std::any_of(f.keys.begin(), f.keys.end(),
                         [&](const Key& k) { return Compare(key, k) == 0; });
    case Op::kGt:
      return key.tag != 0 && Compare(key, f.keys[0]) > 0;
    case Op::kGte:
      return key.tag != 0 && Compare(key, f.keys[0]) >= 0;
    case Op::kLt:
      return key.tag != 0 && Compare(key, f.keys[0]) < 0;
    case Op::kLte:
      return key.tag != 0 && Compare(key, f.keys[0]) <= 0;
    default:
      return false;
  }
}

// < 0 when row a comes before row b in the query's order.
int CompareRows(const Table& t, const Compiled& c, const Row& a, const Row& b) {
  for (std::size_t i = 0; i < c.sort.size(); ++i) {
    int cmp = Compare(t.KeyOf(a, c.sort[i]), t.KeyOf(b, c.sort[i]));
    if (c.descending[i]) cmp = -cmp;
    if (cmp != 0) return cmp;
  }
  return b.id.compare(a.id);  // ties: newest id first
}

// The same by row index: the first key's prefixes decide when they differ.
int CompareRowsAt(const Table& t, const Compiled& c, std::uint32_t a, std::uint32_t b) {
  if (c.prefix != nullptr) {
    const std::uint64_t pa = (*c.prefix)[a];
    const std::uint64_t pb = (*c.prefix)[b];
    if (pa != pb) return (pa < pb) != c.descending[0] ? -1 : 1;
  }
  return CompareRows(t, c, t.rows[a], t.rows[b]);
}

int CompareToCursor(const Table& t, const Compiled& c, const Row& a) {
  for (std::size_t i = 0; i < c.sort.size(); ++i) {
    int cmp = Compare(t.KeyOf(a, c.sort[i]), c.after_keys[i]);
    if (c.descending[i]) cmp = -cmp;
    if (cmp != 0) return cmp;
  }
  return std::string_view(c.after_id).compare(a.id);
}

// UTF-8 of code points (CodePoints decodes).
std::string Utf8(const std::vector<char32_t>& cps) {
  std::string out;
  for (char32_t cp : cps) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
  return out;
}

// How a query's matches are found: a candidate set from the indexes
// (visibility, q= bigrams, eq/in on interned fields), and what they do not
// answer exactly, checked row by row.
struct MatchPlan {
  Roaring candidates;
  std::string needle;                             // q= still to check (empty: none)
  std::vector<const Compiled::Filter*> residual;  // filters still to check
  [[nodiscard]] bool exact() const { return needle.empty() && residual.empty(); }
};

MatchPlan Plan(const Table& t, const Compiled& c, const Visibility& vis) {
  MatchPlan plan;
  plan.candidates = t.Candidates(vis);
  if (!c.needle.empty()) {
    // A row holds q's bigrams when q is in one of its search fields; with
    // exactly two code points (valid UTF-8, no line break) the bigram's rows
    // are exactly the matches.
    const bool exact = c.search.size() == 2 && Utf8(c.search) == c.needle &&
                       c.needle.find('\n') == std::string::npos;
    if (!exact) plan.needle = c.needle;
    for (std::size_t k = 1; k < c.search.size() && !plan.candidates.isEmpty(); ++k) {
      auto it = t.grams.find(Gram(c.search[k - 1], c.search[k]));
      if (it == t.grams.end()) {
        plan.candidates = Roaring();
        break;
      }
      plan.candidates &= it->second;
    }
  }
  for (const auto& f : c.filters) {
    const auto type = f.column.column->type;
    const bool indexed =
        (f.filter->op == Op::kEq || f.filter->op == Op::kIn) &&
        f.column.column->kind == Column::Kind::kField &&
        (type == FieldType::kEnum || type == FieldType::kUser || type == FieldType::kRef) &&
        std::all_of(f.filter->values.begin(), f.filter->values.end(),
                    [](const Json& v) { return v.is_string(); });
    if (!indexed) {
      plan.residual.push_back(&f);
      continue;
    }
    // Exact: every row whose value is one of these symbols (and only those) matches.
    const auto& index = t.sym_index[f.column.column->field];
    std::vector<const Roaring*> parts;
    for (const Json& v : f.filter->values) {
      const auto sym = t.pool.Find(v.as_string());
      if (!sym) continue;
      if (auto it = index.find(*sym); it != index.end()) parts.push_back(&it->second);
    }
    if (parts.empty()) {
      plan.candidates = Roaring();
    } else if (parts.size() == 1) {
      plan.candidates &= *parts[0];
    } else {
      plan.candidates &= Roaring::fastunion(parts.size(), parts.data());
    }
  }
  return plan;
}

bool Residual(const Table& t, const MatchPlan& plan, const Row& row) {
  if (!plan.needle.empty() && row.search.find(plan.needle) == std::string::npos) return false;
  for (const auto* f : plan.residual) {
    if (!Matches(t, row, *f)) return false;
  }
  return true;
}

// Calls `visit(row index)` for every match of the query within `vis`.
template <typename Visit>
void ForEachMatch(const Table& t, const Compiled& c, const Visibility& vis, Visit&& visit) {
  const MatchPlan plan = Plan(t, c, vis);
  for (const std::uint32_t r : plan.candidates) {
    if (plan.exact() || Residual(t, plan, t.rows[r])) visit(r);
  }
}

std::vector<Json> SortValues(const Table& t, const Compiled& c, const Row& row) {
  std::vector<Json> out;
  for (const auto& column : c.sort) {
    switch (column.column->kind) {
      case Column::Kind::kCreatedAt:
        out.emplace_back(FormatTimestamp(row.created_ns));
        break;
      case Column::Kind::kUpdatedAt:
        out.emplace_back(FormatTimestamp(row.updated_ns));
        break;
      case Column::Kind::kCreatedBy:
        out.push_back(row.has_created_by ? Json(t.pool.Get(row.created_by)) : Json());
        break;
      case Column::Kind::kId:
        out.emplace_back(row.id);
        break;
      default: {
        const Value* v = t.ValueOf(row, column);
        out.push_back(v == nullptr ? Json() : tables::ToJson(*v, t.pool));
      }
    }
  }
  return out;
}

std::optional<FieldType> CustomType(std::string_view name) {
  for (auto type : {FieldType::kText, FieldType::kLongText, FieldType::kNumber, FieldType::kMoney,
                    FieldType::kDate, FieldType::kDateTime, FieldType::kEnum, FieldType::kEnumSet,
                    FieldType::kBool, FieldType::kUser}) {
    if (domain::FieldTypeName(type) == name) return type;
  }
  return std::nullopt;
}

}  // namespace

// ---- TableQuery ----------------------------------------------------------------

namespace {

Status ParamError(const std::string& parameter, std::string message) {
  return InvalidArgumentError(std::move(message)).WithParameter(parameter);
}

Result<Column> ResolveColumn(const domain::EntitySpec& spec,
                             std::span<const domain::CustomField> custom, std::string_view name,
                             bool for_sort, const std::string& parameter) {
  Column column;
  if (name.starts_with("custom.") && spec.custom_fields) {
    const std::string_view key = name.substr(7);
    for (const auto& field : custom) {
      if (field.key != key) continue;
      if (for_sort && field.type == FieldType::kEnumSet) break;
      column.kind = Column::Kind::kCustom;
      column.key = field.key;
      column.type = field.type;
      column.options = field.options;
      return column;
    }
    return ParamError(parameter, "unknown or unsortable custom field " + std::string(key));
  }
  if (name == "created_at" || name == "updated_at") {
    column.kind = name == "created_at" ? Column::Kind::kCreatedAt : Column::Kind::kUpdatedAt;
    column.type = FieldType::kDateTime;
    return column;
  }
  if (name == "created_by" && !for_sort) {
    column.kind = Column::Kind::kCreatedBy;
    column.type = FieldType::kUser;
    return column;
  }
  const domain::FieldSpec* field = spec.Find(name);
  const bool allowed =
      field != nullptr &&
      (field->Has(for_sort ? domain::kSort : domain::kFilter) || (!for_sort && name == "owner_id"));
  if (!allowed) {
    return ParamError(parameter, std::string(for_sort ? "cannot sort by " : "cannot filter by ") +
                                     std::string(name));
  }
  column.kind = Column::Kind::kField;
  column.field = static_cast<std::size_t>(field - spec.fields.data());
  column.type = field->type;
  for (const auto& option : field->options) column.options.emplace_back(option.value);
  return column;
}

// The field a filter parses its values with: the entity's own field (enum
// labels, decimals), the custom field, or a bare type (created_at, ...).
// Sets (multiselect, strings) parse one element: a filter value is one of them.
struct FilterField {
  domain::FieldSpec spec;
  std::optional<domain::CustomFieldSpec> custom;
};

void BindFilterField(const domain::EntitySpec& spec, std::span<const domain::CustomField> custom,
                     const Column& column, FilterField& out) {
  if (column.kind == Column::Kind::kField) {
    out.spec = spec.fields[column.field];
  } else if (column.kind == Column::Kind::kCustom) {
    for (const auto& field : custom) {
      if (field.key != column.key) continue;
      out.custom.emplace(field);
      out.spec = out.custom->spec();
      break;
    }
  } else {
    out.spec.type = column.type;
  }
  if (out.spec.type == FieldType::kEnumSet) out.spec.type = FieldType::kEnum;
  if (out.spec.type == FieldType::kStrings) out.spec.type = FieldType::kText;
}

// Parses one filter value with the field's type; the normalized JSON value.
Result<Json> ParseValue(const domain::FieldSpec& field, const Column& column, std::string_view text,
                        const std::string& parameter) {
  auto parsed = domain::ParseFieldText(field, text);
  if (!parsed.ok()) return ParamError(parameter, parsed.status().message());
  Json v = std::move(parsed).value();
  if (v.is_null()) return v;  // blank: matches rows without a value
  auto bad = [&] {
    return ParamError(parameter, "not a valid " + std::string(domain::FieldTypeName(column.type)) +
                                     ": " + std::string(text));
  };
  switch (column.type) {
    case FieldType::kNumber: {
      if (v.is_number()) return v;  // an integer, or a decimal (custom number fields)
      return bad();
    }
    case FieldType::kMoney:
      if (!v.is_string() || !domain::ParseMoney(v.as_string())) return bad();
      return v;
    case FieldType::kDateTime: {
      const auto ns = v.is_string() ? ParseTimestamp(v.as_string()) : std::nullopt;
      if (!ns) return bad();
      return Json(FormatTimestamp(*ns));
    }
    case FieldType::kDate: {
      if (!v.is_string()) return bad();
      const std::string& s = v.as_string();
      const bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                         std::all_of(s.begin(), s.end(),
                                     [](char ch) { return ch == '-' || (ch >= '0' && ch <= '9'); });
      if (!shape) return bad();
      return v;
    }
    case FieldType::kEnum:
    case FieldType::kEnumSet:
      if (!v.is_string()) return bad();
      return v;
    case FieldType::kBool:
      if (v.is_bool()) return v;
      if (v.is_string() && (v.as_string() == "true" || v.as_string() == "1")) return Json(true);
      if (v.is_string() && (v.as_string() == "false" || v.as_string() == "0")) return Json(false);
      return bad();
    default:
      if (!v.is_string()) return Json(v.Dump());
      return v;
  }
}

}  // namespace

Result<TableQuery> TableQuery::Parse(const domain::EntitySpec& spec,
                                     std::span<const domain::CustomField> custom,
                                     const QueryParams& params) {
  TableQuery query;
  if (auto it = params.find("limit"); it != params.end()) {
    std::size_t n = 0;
    const std::string& s = it->second;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || end != s.data() + s.size() || n < 1 || n > kMaxLimit) {
      return ParamError("limit", "limit must be an integer from 1 to 500");
    }
    query.limit_ = n;
  }
  if (auto it = params.find("sort"); it != params.end()) {
    if (it->second.empty()) return ParamError("sort", "sort must name a field");
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      SortKey key;
      if (item.starts_with('-')) {
        key.descending = true;
        item.remove_prefix(1);
      } else if (item.starts_with('+')) {
        item.remove_prefix(1);
      }
      CHRONICLE_ASSIGN_OR_RETURN(key.column, ResolveColumn(spec, custom, item, true, "sort"));
      if (!query.sort_text_.empty()) query.sort_text_.push_back(',');
      query.sort_text_ += (key.descending ? "-" : "") + std::string(item);
      query.sort_.push_back(std::move(key));
    }
  }
  if (auto it = params.find("q"); it != params.end())
    query.search_ = domain::FoldForCompare(it->second);
  for (const auto& [param, text] : params) {
    if (std::find(std::begin(kIgnoredParams), std::end(kIgnoredParams), param) !=
        std::end(kIgnoredParams)) {
      continue;
    }
    std::string_view name = param;
    std::string_view op_name = "eq";
    const std::size_t from = name.starts_with("custom.") ? 7 : 0;
    if (const auto dot = name.find('.', from); dot != std::string_view::npos) {
      op_name = name.substr(dot + 1);
      name = name.substr(0, dot);
    }
    Filter filter;
    filter.parameter = param;
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"eq", Op::kEq}, {"ne", Op::kNe},   {"gt", Op::kGt}, {"gte", Op::kGte},
        {"lt", Op::kLt}, {"lte", Op::kLte}, {"in", Op::kIn}, {"contains", Op::kContains}};
    const auto* op = std::find_if(std::begin(kOps), std::end(kOps),
                                  [&](const auto& o) { return o.first == op_name; });
    if (op == std::end(kOps)) return ParamError(param, "unknown operator " + std::string(op_name));
    filter.op = op->second;
    CHRONICLE_ASSIGN_OR_RETURN(filter.column, ResolveColumn(spec, custom, name, false, param));
    FilterField field;
    BindFilterField(spec, custom, filter.column, field);
    if (filter.op == Op::kContains) {
      filter.values.emplace_back(domain::FoldForCompare(text));
    } else if (filter.op == Op::kIn) {
      std::string_view rest = text;
      while (true) {
        const auto comma = rest.find(',');
        CHRONICLE_ASSIGN_OR_RETURN(
            Json v, ParseValue(field.spec, filter.column, rest.substr(0, comma), param));
        filter.values.push_back(std::move(v));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else {
      CHRONICLE_ASSIGN_OR_RETURN(Json v, ParseValue(field.spec, filter.column, text, param));
      filter.values.push_back(std::move(v));
    }
    query.filters_.push_back(std::move(filter));
  }
  if (auto it = params.find("cursor"); it != params.end()) {
    auto bad = [] { return ParamError("cursor", "malformed cursor"); };
    const auto text = HexDecode(it->second);
    if (!text) return bad();
    auto json = ParseJson(*text);
    if (!json.ok() || !json->is_array() || json->as_array().size() != 3) return bad();
    const auto& a = json->as_array();
    if (!a[0].is_string() || a[0].as_string() != query.sort_text_ || !a[1].is_array() ||
        a[1].as_array().size() != query.sort_.size() || !a[2].is_string()) {
      return bad();
    }
    query.after_.emplace(a[1].as_array(), a[2].as_string());
  }
  return query;
}

std::string TableQuery::MakeCursor(const std::vector<Json>& values, std::string_view id) const {
  Json cursor = Json::MakeArray();
  cursor.Push(sort_text_);
  Json v = Json::MakeArray();
  for (const Json& value : values) v.Push(value);
  cursor.Push(std::move(v));
  cursor.Push(std::string(id));
  const std::string text = cursor.Dump();
  return HexEncode({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// ---- TablesProjection -----------------------------------------------------------

TablesProjection::TablesProjection() {
  for (const domain::EntitySpec* spec : domain::AllEntitySpecs()) {
    tables_.push_back(std::make_unique<Table>(*spec));
  }
}

TablesProjection::~TablesProjection() = default;

TablesProjection::Table* TablesProjection::TableOf(const domain::EntitySpec& spec) const {
  for (const auto& table : tables_) {
    if (table->spec == &spec || table->spec->name == spec.name) return table.get();
  }
  return nullptr;
}

Status TablesProjection::Load(std::span<const std::pair<std::string, std::string>> documents) {
  return LoadFrom([&](const DocumentVisitor& visit) {
    for (const auto& [key, doc] : documents) CHRONICLE_RETURN_IF_ERROR(visit(key, doc));
    return Status::Ok();
  });
}

Status TablesProjection::LoadFrom(const DocumentSource& source) {
  std::unique_lock lock(mu_);
  for (auto& table : tables_) {
    Deriver deriver = std::move(table->deriver);
    const auto inputs = table->derive_inputs;
    table = std::make_unique<Table>(*table->spec);
    table->deriver = std::move(deriver);
    table->derive_inputs = inputs;
  }
  CHRONICLE_RETURN_IF_ERROR(source([&](std::string_view key, std::string_view doc) -> Status {
    const domain::EntitySpec* spec = domain::FindEntityByStream(key);
    Table* table = spec == nullptr ? nullptr : TableOf(*spec);
    if (table == nullptr) return Status::Ok();
    if (!table->Decode(key.substr(spec->stream_prefix.size()), doc)) {
      return DataLossError("read model 'tables': corrupt document " + std::string(key));
    }
    return Status::Ok();
  }));
  for (auto& t : tables_) {
    t->FlushOrder();
    t->FlushGrams();
  }
  return Status::Ok();
}

Status TablesProjection::Apply(std::span<const eventstore::RecordedEvent> events,
                               DocChanges& changes) {
  struct Decoded {
    Table* table;
    std::string_view id;
    DecodedEvent event;
    const eventstore::RecordedEvent* recorded;
  };
  std::vector<Decoded> decoded;
  decoded.reserve(events.size());
  for (const auto& e : events) {
    const domain::EntitySpec* spec = domain::FindEntityByStream(e.stream);
    if (spec == nullptr) continue;
    Decoded d{
        TableOf(*spec), std::string_view(e.stream).substr(spec->stream_prefix.size()), {}, &e};
    if (Status status = DecodePayload(*spec, e.type, e.payload, d.event); !status.ok()) {
      spdlog::error("tables: event at position {} ({}): {}; skipped", e.position, e.type,
                    status.message());
      continue;
    }
    decoded.push_back(std::move(d));
  }
  std::unique_lock lock(mu_);
  std::vector<std::pair<Table*, std::uint32_t>> touched;
  for (auto& d : decoded) {
    if (auto r = d.table->Fold(d.id, d.event, *d.recorded)) touched.emplace_back(d.table, *r);
  }
  for (auto& table : tables_) {
    table->FlushOrder();
    table->FlushGrams();
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (const auto& [table, r] : touched) {
    changes.Put(std::string(table->spec->stream_prefix) + table->rows[r].id,
                table->Encode(table->rows[r]));
  }
  return Status::Ok();
}

std::map<std::string, std::string> TablesProjection::Documents() const {
  std::shared_lock lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& table : tables_) {
    for (const Row& row : table->rows) {
      out.emplace(std::string(table->spec->stream_prefix) + row.id, table->Encode(row));
    }
  }
  return out;
}

namespace {

std::vector<domain::CustomField> CustomFieldsLocked(const Table& t, std::string_view entity) {
  std::vector<std::pair<std::int64_t, domain::CustomField>> found;
  const auto field = [&](const Row& row, std::string_view name) -> Json {
    const domain::FieldSpec* f = t.spec->Find(name);
    return f == nullptr ? Json() : tables::ToJson(row.values[f - t.spec->fields.data()], t.pool);
  };
  for (const std::uint32_t r : t.live) {
    const Row& row = t.rows[r];
    const Json e = field(row, "entity");
    if (!e.is_string() || e.as_string() != entity) continue;
    domain::CustomField cf;
    const Json key = field(row, "key");
    const Json label = field(row, "label");
    const Json type = field(row, "type");
    if (!key.is_string() || !type.is_string()) continue;
    cf.key = key.as_string();
    cf.label = label.is_string() ? label.as_string() : cf.key;
    cf.type = CustomType(type.as_string()).value_or(FieldType::kText);
    if (const Json options = field(row, "options"); options.is_array()) {
      for (const Json& o : options.as_array()) {
        if (o.is_string()) cf.options.push_back(o.as_string());
      }
    }
    const Json required = field(row, "required");
    const Json unique = field(row, "unique");
    cf.required = required.is_bool() && required.as_bool();
    cf.unique = unique.is_bool() && unique.as_bool();
    cf.default_value = field(row, "default");
    const Json sort = field(row, "sort");
    found.emplace_back(sort.is_int() ? sort.as_int() : 0, std::move(cf));
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<domain::CustomField> out;
  out.reserve(found.size());
  for (auto& [sort, cf] : found) out.push_back(std::move(cf));
  return out;
}

}  // namespace

std::vector<domain::CustomField> TablesProjection::CustomFieldsOf(
    std::string_view entity_name) const {
  std::shared_lock lock(mu_);
  return CustomFieldsHeld(entity_name);
}

std::vector<domain::CustomField> TablesProjection::CustomFieldsHeld(
    std::string_view entity_name) const {
  const domain::EntitySpec* spec = domain::FindEntityByName("custom_field");
  return spec == nullptr ? std::vector<domain::CustomField>{}
                         : CustomFieldsLocked(*TableOf(*spec), entity_name);
}

Result<ListPage> TablesProjection::List(const domain::EntitySpec& spec, const QueryParams& params,
                                        const Visibility& visibility) const {
  std::shared_lock lock(mu_);
  const Table* t = TableOf(spec);
  if (t == nullptr) return NotFoundError("no table for " + std::string(spec.name));
  const std::vector<domain::CustomField> custom =
      spec.custom_fields ? CustomFieldsHeld(spec.name) : std::vector<domain::CustomField>{};
  CHRONICLE_ASSIGN_OR_RETURN(TableQuery query, TableQuery::Parse(spec, custom, params));
  const Compiled c = Compile(*t, query);
  const std::size_t limit = query.limit();
  // A max-heap of the first limit + 1 rows after the cursor: its top is the
  // last of them, replaced whenever an earlier row turns up.
  auto later = [&](std::uint32_t a, std::uint32_t b) { return CompareRowsAt(*t, c, a, b) < 0; };
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, decltype(later)> heap(later);
  auto consider = [&](std::uint32_t r) {
    if (c.after_values) {
      const std::uint64_t p = c.prefix != nullptr ? (*c.prefix)[r] : 0;
      if (c.prefix != nullptr && p != c.after_prefix) {
        if ((p < c.after_prefix) != c.descending[0]) return;  // before the cursor
      } else if (CompareToCursor(*t, c, t->rows[r]) <= 0) {
        return;
      }
    }
    if (heap.size() <= limit) {
      heap.push(r);
    } else if (later(r, heap.top())) {
      heap.pop();
      heap.push(r);
    }
  };
  ListPage page;
  const MatchPlan plan = Plan(*t, c, visibility);
  std::vector<std::uint32_t> rows;
  if (!plan.exact()) {
    for (const std::uint32_t r : plan.candidates) {
      if (!Residual(*t, plan, t->rows[r])) continue;
      ++page.total;
      consider(r);
    }
  } else {
    // The indexes answer the query: the total is their count, and only the
    // page is looked for.
    page.total = plan.candidates.cardinality();
    bool walked = false;
    const std::size_t n = t->id_order.size();
    // Default order (id descending): walk the ids down from the cursor while
    // that is cheaper than ranking every match (it is when matches are dense).
    if (c.sort.empty() && page.total > 0 &&
        static_cast<double>(limit + 1) * static_cast<double>(n) <
            static_cast<double>(page.total) * static_cast<double>(page.total)) {
      std::size_t pos = n;
      if (c.after_values) {
        pos = static_cast<std::size_t>(
            std::lower_bound(
                t->id_order.begin(), t->id_order.end(), c.after_id,
                [&](std::uint32_t r, const std::string& id) { return t->rows[r].id < id; }) -
            t->id_order.begin());
      }
      // A bounded walk: unevenly spread matches fall back to ranking.
      std::size_t budget = std::max<std::size_t>(page.total, 4096);
      while (pos > 0 && rows.size() <= limit && budget > 0) {
        --pos;
        --budget;
        const std::uint32_t r = t->id_order[pos];
        if (plan.candidates.contains(r)) rows.push_back(r);
      }
      walked = rows.size() > limit || pos == 0;
      if (!walked) rows.clear();
    }
    if (!walked) {
      for (const std::uint32_t r : plan.candidates) consider(r);
    }
  }
  if (!heap.empty()) {
    while (!heap.empty()) {
      rows.push_back(heap.top());
      heap.pop();
    }
    std::reverse(rows.begin(), rows.end());
  }
  if (rows.size() > limit) {
    rows.resize(limit);
    const Row& last = t->rows[rows.back()];
    page.next_cursor = query.MakeCursor(SortValues(*t, c, last), last.id);
  }
  page.items.reserve(rows.size());
  for (const std::uint32_t r : rows) page.items.push_back(t->Render(t->rows[r]));
  return page;
}

Status TablesProjection::Scan(const domain::EntitySpec& spec, const QueryParams& params,
                              const Visibility& visibility,
                              const std::function<Status(const Json&)>& emit) const {
  std::vector<std::uint32_t> rows;
  const Table* t = nullptr;
  {
    std::shared_lock lock(mu_);
    t = TableOf(spec);
    if (t == nullptr) return NotFoundError("no table for " + std::string(spec.name));
    const std::vector<domain::CustomField> custom =
        spec.custom_fields ? CustomFieldsHeld(spec.name) : std::vector<domain::CustomField>{};
    CHRONICLE_ASSIGN_OR_RETURN(TableQuery query, TableQuery::Parse(spec, custom, params));
    const Compiled c = Compile(*t, query);
    ForEachMatch(*t, c, visibility, [&](std::uint32_t r) { rows.push_back(r); });
    std::sort(rows.begin(), rows.end(),
              [&](std::uint32_t a, std::uint32_t b) { return CompareRowsAt(*t, c, a, b) < 0; });
  }
  // Rows are never removed (a delete is a flag), so indices stay valid
  // between chunks; each chunk renders the rows' current state.
  constexpr std::size_t kChunk = 512;
  std::vector<Json> bodies;
  for (std::size_t start = 0; start < rows.size(); start += kChunk) {
    bodies.clear();
    {
      std::shared_lock lock(mu_);
      t = TableOf(spec);  // Load may have replaced the table
      for (std::size_t i = start; i < std::min(rows.size(), start + kChunk); ++i) {
        if (rows[i] < t->rows.size() && !t->rows[rows[i]].deleted) {
          bodies.push_back(t->Render(t->rows[rows[i]]));
        }
      }
    }
    for (const Json& body : bodies) CHRONICLE_RETURN_IF_ERROR(emit(body));
  }
  return Status::Ok();
}

std::optional<TableRecord> TablesProjection::Get(const domain::EntitySpec& spec,
                                                 std::string_view id) const {
  std::shared_lock lock(mu_);
  const Table* t = TableOf(spec);
  if (t == nullptr) return std::nullopt;
  const auto found = t->FindRow(id);
  if (!found) return std::nullopt;
  const Row& row = t->rows[*found];
  TableRecord record;
  record.body = t->Render(row);
  record.owner_id = std::string(t->Owner(row));
  record.deleted = row.deleted;
  record.version = row.version;
  record.position = row.position;
  if (t->team_field >= 0) {
    if (const auto* team = std::get_if<tables::Team>(&row.values[t->team_field])) {
      for (const auto& item : *team) {
        record.team.push_back({t->pool.Get(item.user), t->pool.Get(item.access),
                               item.has_expiry ? std::optional(item.expires_ns) : std::nullopt});
      }
    }
  }
  return record;
}

bool TablesProjection::Taken(const domain::EntitySpec& spec, std::string_view field,
                             std::string_view folded, std::string_view except_id) const {
  std::shared_lock lock(mu_);
  const Table* t = TableOf(spec);
  if (t == nullptr) return false;
  if (const domain::FieldSpec* f = spec.Find(field); f != nullptr && f->Has(domain::kUnique)) {
    const auto i = static_cast<std::size_t>(f - spec.fields.data());
    std::string value;
    return t->unique[i].Any(Table::UniqueHash(folded), [&](std::uint32_t r) {
      const Row& row = t->rows[r];
      if (row.id == except_id) return false;
      tables::Fold(tables::TextOf(row.values[i], t->pool), value);
      return value == folded;
    });
  }
  // Other fields (custom.KEY): a scan of the live rows.
  Column column;
  if (field.starts_with("custom.")) {
    column.kind = Column::Kind::kCustom;
    column.key = std::string(field.substr(7));
  } else if (const domain::FieldSpec* f = spec.Find(field)) {
    column.field = static_cast<std::size_t>(f - spec.fields.data());
  } else {
    return false;
  }
  const auto bound = t->Bind(column);
  for (const std::uint32_t r : t->live) {
    const Row& row = t->rows[r];
    const Value* v = t->ValueOf(row, bound);
    if (v == nullptr || row.id == except_id) continue;
    const std::string_view text = tables::TextOf(*v, t->pool);
    if (!text.empty() && domain::FoldForCompare(text) == folded) return true;
  }
  return false;
}

std::vector<std::string> TablesProjection::IdsWhere(const domain::EntitySpec& spec,
                                                    std::string_view field,
                                                    std::string_view value) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  const Table* t = TableOf(spec);
  const domain::FieldSpec* f = spec.Find(field);
  if (t == nullptr || f == nullptr) return out;
  const auto i = static_cast<std::size_t>(f - spec.fields.data());
  const auto sym = t->pool.Find(value);
  if (auto it = sym ? t->sym_index[i].find(*sym) : t->sym_index[i].end();
      it != t->sym_index[i].end()) {
    Roaring rows = it->second;
    rows &= t->live;
    for (const std::uint32_t r : rows) out.push_back(t->rows[r].id);
    return out;
  }
  for (const std::uint32_t r : t->live) {
    if (tables::TextOf(t->rows[r].values[i], t->pool) == value) out.push_back(t->rows[r].id);
  }
  return out;
}

std::size_t TablesProjection::CountOwned(const domain::EntitySpec& spec,
                                         std::string_view owner_id) const {
  std::shared_lock lock(mu_);
  const Table* t = TableOf(spec);
  if (t == nullptr || t->owner_field < 0) return 0;
  const auto sym = t->pool.Find(owner_id);
  if (!sym) return 0;
  const auto& index = t->sym_index[t->owner_field];
  auto it = index.find(*sym);
  return it == index.end() ? 0 : it->second.and_cardinality(t->live);
}

void TablesProjection::SetDeriver(std::string_view collection, Deriver deriver,
                                  const std::vector<std::string>& inputs) {
  std::unique_lock lock(mu_);
  auto found = std::find_if(tables_.begin(), tables_.end(),
                            [&](const auto& t) { return t->spec->collection == collection; });
  if (found == tables_.end()) return;
  Table* table = found->get();
  table->deriver = std::move(deriver);
  table->derive_inputs.reset();
  // A mask needs a bit per field; an unknown input name reads the whole body.
  if (inputs.empty() || table->spec->fields.size() > 64) return;
  std::uint64_t mask = 0;
  for (const std::string& name : inputs) {
    const domain::FieldSpec* f = table->spec->Find(name);
    if (f == nullptr) {
      spdlog::warn("tables: deriver input {} is not a field of {}", name, collection);
      return;
    }
    mask |= std::uint64_t{1} << (f - table->spec->fields.data());
  }
  table->derive_inputs = mask;
}

void TablesProjection::Rederive(std::string_view collection) {
  std::unique_lock lock(mu_);
  for (auto& table : tables_) {
    if (table->spec->collection != collection) continue;
    for (std::uint32_t r = 0; r < table->rows.size(); ++r) {
      table->Index(r, false);
      table->Derive(table->rows[r]);
      table->Index(r, true);
    }
  }
}

}  // namespace chronicle::projections
