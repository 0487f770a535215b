#include "chronicle/projections/tables_projection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/record.hpp"

namespace chronicle::projections {
namespace {

using domain::record::Event;
using domain::record::State;

const domain::EntitySpec& Customers() { return *domain::FindEntityByCollection("customers"); }
const domain::EntitySpec& Contacts() { return *domain::FindEntityByCollection("contacts"); }
const domain::EntitySpec& CustomFields() {
  return *domain::FindEntityByCollection("custom-fields");
}

constexpr std::int64_t kBase = 1'760'000'000'000'000'000;  // 2025-10

std::string MakeId(std::uint64_t n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "0%07llx-0000-7000-8000-%012llx",
                static_cast<unsigned long long>(n), static_cast<unsigned long long>(n * 7919));
  return buf;
}

std::string Time(std::int64_t ms) { return FormatTimestamp(kBase + ms * 1'000'000); }

// What the reference keeps per record: Evolve's state plus the log facts.
struct RefRecord {
  const domain::EntitySpec* spec;
  std::string id;
  State state;
  std::int64_t created_ns = 0;
  std::int64_t updated_ns = 0;
  std::string created_by;
};

// Feeds the projection and the reference alike.
class Feed {
 public:
  explicit Feed(TablesProjection& p) : p_(p) {}

  void Emit(const domain::EntitySpec& spec, const std::string& id, Event event,
            const std::string& actor = "u1") {
    eventstore::RecordedEvent e;
    e.stream = std::string(spec.stream_prefix) + id;
    e.version = versions_[e.stream]++;
    e.position = ++position_;
    e.type = domain::record::EventType(spec, event);
    e.recorded_at_ns = kBase + static_cast<std::int64_t>(position_) * 1'000'000;
    e.metadata.actor = actor;
    e.payload = domain::record::EncodeEvent(event).Dump();
    batch_.push_back(e);
    RefRecord& ref = records_[e.stream];
    if (event.action == "Created") {
      ref = RefRecord{&spec, id, {}, e.recorded_at_ns, 0, actor};
    }
    if (ref.spec != nullptr) {
      ref.state = domain::record::Evolve(std::move(ref.state), event);
      ref.updated_ns = e.recorded_at_ns;
    }
    if (batch_.size() >= 64) Flush();
  }
  void EmitRaw(eventstore::RecordedEvent e) {
    e.position = ++position_;
    batch_.push_back(std::move(e));
  }
  void Flush() {
    DocChanges changes;
    ASSERT_TRUE(p_.Apply(batch_, changes).ok());
    batch_.clear();
  }
  std::map<std::string, RefRecord>& records() { return records_; }

 private:
  TablesProjection& p_;
  std::vector<eventstore::RecordedEvent> batch_;
  std::map<std::string, std::uint64_t> versions_;
  std::uint64_t position_ = 0;
  std::map<std::string, RefRecord> records_;
};

Event Created(const std::string& id, Json set) {
  Event e;
  e.action = "Created";
  e.set = std::move(set);
  e.info.Set("id", id);
  return e;
}
Event Action(std::string action, Json set = Json::MakeObject()) {
  Event e;
  e.action = std::move(action);
  e.set = std::move(set);
  return e;
}

void DefineCustomFields(Feed& feed) {
  Json score = Json::MakeObject();
  score.Set("entity", "customer");
  score.Set("key", "score");
  score.Set("label", "评分");
  score.Set("type", "number");
  feed.Emit(CustomFields(), MakeId(1), Created(MakeId(1), score));
  Json tier = Json::MakeObject();
  tier.Set("entity", "customer");
  tier.Set("key", "tier");
  tier.Set("label", "等级");
  tier.Set("type", "select");
  Json options = Json::MakeArray();
  options.Push("gold");
  options.Push("silver");
  tier.Set("options", options);
  tier.Set("sort", 2);
  feed.Emit(CustomFields(), MakeId(2), Created(MakeId(2), tier));
}

const char* const kWords[] = {"北京", "科技",   "上海", "贸易", "深圳", "腾讯",     "Acme",
                              "acme", "Global", "有限", "公司", "华为", "Ｔｅｃｈ", "数据"};
const char* const kLevels[] = {"a", "b", "c"};
const char* const kUsers[] = {"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"};

struct RandomData {
  std::mt19937_64 rng{42};
  int Pick(int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); }
  bool Chance(int percent) { return Pick(100) < percent; }
  std::string Name() {
    std::string s;
    const int n = 1 + Pick(3);
    for (int i = 0; i < n; ++i) s += kWords[Pick(14)];
    return s + std::to_string(Pick(1000));
  }
  std::string Phone() { return "1" + std::to_string(3800000000LL + Pick(1000000000)); }
  Json Team() {
    Json team = Json::MakeArray();
    const int n = Pick(3);
    for (int i = 0; i < n; ++i) {
      Json entry = Json::MakeObject();
      entry.Set("user_id", kUsers[Pick(8)]);
      entry.Set("access", Chance(50) ? "read" : "write");
      entry.Set("expires_at", Chance(40) ? Json() : Json(Time(Pick(200000))));
      team.Push(std::move(entry));
    }
    return team;
  }
  Json CustomerFields(bool create) {
    Json set = Json::MakeObject();
    if (create || Chance(40)) set.Set("name", Name());
    if (create ? Chance(80) : Chance(30))
      set.Set("level", Chance(10) ? Json() : Json(kLevels[Pick(3)]));
    if (Chance(50)) set.Set("industry", Chance(10) ? Json() : Json(Chance(50) ? "it" : "retail"));
    if (Chance(60)) set.Set("phone", Phone());
    if (Chance(50)) set.Set("next_contact_at", Chance(10) ? Json() : Json(Time(Pick(200000))));
    if (Chance(30)) set.Set("owner_id", Chance(15) ? Json() : Json(kUsers[Pick(8)]));
    if (create && !set.Find("owner_id") && Chance(90)) set.Set("owner_id", kUsers[Pick(8)]);
    if (Chance(30)) set.Set("team", Team());
    if (Chance(20)) set.Set("locked", Chance(50));
    if (Chance(50)) {
      Json custom = Json::MakeObject();
      if (Chance(70)) {
        custom.Set("score", Chance(10)   ? Json()
                            : Chance(20) ? Json(Pick(100) + Pick(4) * 0.25)  // decimals
                                         : Json(Pick(100)));
      }
      if (Chance(70))
        custom.Set("tier", Chance(10) ? Json() : Json(Chance(50) ? "gold" : "silver"));
      set.Set("custom", std::move(custom));
    }
    return set;
  }
};

// ---- The naive reference --------------------------------------------------------

struct RefKey {
  int tag = 0;
  long double i = 0;  // 64-bit mantissa: exact for the int64 values used here, and decimals
  std::string s;
  friend int Cmp(const RefKey& a, const RefKey& b) {
    if (a.tag != b.tag) return a.tag < b.tag ? -1 : 1;
    if (a.tag == 1) return a.i < b.i ? -1 : a.i > b.i;
    if (a.tag == 2) return a.s < b.s ? -1 : a.s > b.s;
    return 0;
  }
};

RefKey RefKeyOf(domain::FieldType type, const Json& v) {
  if (v.is_null()) return {};
  if (v.is_bool()) return {1, v.as_bool() ? 1.0L : 0.0L, {}};
  if (v.is_int()) return {1, static_cast<long double>(v.as_int()), {}};
  if (v.is_number()) return {1, static_cast<long double>(v.as_double()), {}};
  if (v.is_string()) {
    if (type == domain::FieldType::kDateTime) {
      if (auto ns = ParseTimestamp(v.as_string())) return {1, static_cast<long double>(*ns), {}};
    }
    if (type == domain::FieldType::kMoney) {
      if (auto m = domain::ParseMoney(v.as_string())) return {1, static_cast<long double>(*m), {}};
    }
    return {2, 0, v.as_string()};
  }
  return {2, 0, v.Dump()};
}

struct RefFilter {
  std::string column;  // "level", "custom.score", "created_at"
  std::string op;
  std::vector<std::string> values;
};

struct RefQuery {
  std::vector<RefFilter> filters;
  std::vector<std::pair<std::string, bool>> sort;  // column, descending
  std::string q;
  QueryParams params;
};

domain::FieldType ColumnType(const domain::EntitySpec& spec, const std::string& column) {
  if (column == "created_at" || column == "updated_at") return domain::FieldType::kDateTime;
  if (column == "custom.score") return domain::FieldType::kNumber;
  if (column.starts_with("custom.")) return domain::FieldType::kEnum;
  const auto* f = spec.Find(column);
  return f == nullptr ? domain::FieldType::kText : f->type;
}

Json RefColumn(const RefRecord& r, const std::string& column) {
  if (column == "created_at") return FormatTimestamp(r.created_ns);
  if (column == "updated_at") return FormatTimestamp(r.updated_ns);
  if (column.starts_with("custom.")) {
    const Json& custom = domain::record::Field(r.state, "custom");
    const Json* v = custom.Find(column.substr(7));
    return v == nullptr ? Json() : *v;
  }
  return domain::record::Field(r.state, column);
}

bool RefVisible(const RefRecord& r, const Visibility& vis) {
  const Json& owner = domain::record::Field(r.state, "owner_id");
  const bool owned = owner.is_string() && !owner.as_string().empty();
  if (vis.owner == Visibility::Owner::kUnowned) return !owned;
  if (!owned) return false;
  if (vis.all) return true;
  if (std::find(vis.owners.begin(), vis.owners.end(), owner.as_string()) != vis.owners.end()) {
    return true;
  }
  const Json& team = domain::record::Field(r.state, "team");
  if (vis.member.empty() || !team.is_array()) return false;
  for (const Json& e : team.as_array()) {
    if (e.Find("user_id")->as_string() != vis.member) continue;
    const Json* exp = e.Find("expires_at");
    if (exp->is_null() || *ParseTimestamp(exp->as_string()) > vis.now_ns) return true;
  }
  return false;
}

bool RefMatches(const domain::EntitySpec& spec, const RefRecord& r, const RefQuery& q) {
  if (!q.q.empty()) {
    const std::string needle = domain::FoldForCompare(q.q);
    bool hit = false;
    for (const auto& f : spec.fields) {
      const Json& v = domain::record::Field(r.state, f.name);
      if (f.Has(domain::kSearch) && v.is_string() &&
          domain::FoldForCompare(v.as_string()).find(needle) != std::string::npos) {
        hit = true;
      }
    }
    if (!hit) return false;
  }
  for (const auto& f : q.filters) {
    const auto type = ColumnType(spec, f.column);
    const Json v = RefColumn(r, f.column);
    const RefKey key = RefKeyOf(type, v);
    const std::string& column = f.column;
    auto target = [&](const std::string& text) {
      if (type == domain::FieldType::kNumber) {
        if (text.find('.') != std::string::npos) return RefKeyOf(type, Json(std::stod(text)));
        return RefKeyOf(type, Json(static_cast<std::int64_t>(std::stoll(text))));
      }
      if (type == domain::FieldType::kBool) return RefKeyOf(type, Json(text == "true"));
      if (column == "level") {  // enum filters also take the option's label
        for (const auto& o : spec.Find("level")->options) {
          if (o.label == text) return RefKeyOf(type, Json(std::string(o.value)));
        }
      }
      return RefKeyOf(type, Json(text));
    };
    bool ok = false;
    if (f.op == "eq") ok = Cmp(key, target(f.values[0])) == 0;
    if (f.op == "ne") ok = Cmp(key, target(f.values[0])) != 0;
    if (f.op == "gt") ok = key.tag != 0 && Cmp(key, target(f.values[0])) > 0;
    if (f.op == "gte") ok = key.tag != 0 && Cmp(key, target(f.values[0])) >= 0;
    if (f.op == "lt") ok = key.tag != 0 && Cmp(key, target(f.values[0])) < 0;
    if (f.op == "lte") ok = key.tag != 0 && Cmp(key, target(f.values[0])) <= 0;
    if (f.op == "in") {
      for (const auto& t : f.values) ok = ok || Cmp(key, target(t)) == 0;
    }
    if (f.op == "contains") {
      ok = v.is_string() &&
           domain::FoldForCompare(v.as_string()).find(domain::FoldForCompare(f.values[0])) !=
               std::string::npos;
    }
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> RefList(const domain::EntitySpec& spec,
                                 const std::map<std::string, RefRecord>& records, const RefQuery& q,
                                 const Visibility& vis) {
  std::vector<const RefRecord*> rows;
  for (const auto& [stream, r] : records) {
    if (r.spec != &spec || !r.state.exists || r.state.deleted) continue;
    if (RefVisible(r, vis) && RefMatches(spec, r, q)) rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [&](const RefRecord* a, const RefRecord* b) {
    for (const auto& [column, desc] : q.sort) {
      const auto type = ColumnType(spec, column);
      int c = Cmp(RefKeyOf(type, RefColumn(*a, column)), RefKeyOf(type, RefColumn(*b, column)));
      if (desc) c = -c;
      if (c != 0) return c < 0;
    }
    return a->id > b->id;
  });
  std::vector<std::string> ids;
  for (const auto* r : rows) ids.push_back(r->id);
  return ids;
}

RefQuery RandomQuery(RandomData& rd) {
  RefQuery q;
  const int n = rd.Pick(3);
  for (int i = 0; i < n; ++i) {
    RefFilter f;
    switch (rd.Pick(11)) {
      case 0:
        f = {"level", "eq", {kLevels[rd.Pick(3)]}};
        break;
      case 1:
        f = {"level", "in", {"a", rd.Chance(50) ? "c" : "C（非优先客户）"}};
        break;
      case 2:
        f = {"level", "ne", {"b"}};
        break;
      case 3:
        f = {"owner_id", "eq", {kUsers[rd.Pick(8)]}};
        break;
      case 4:
        f = {"next_contact_at", rd.Chance(50) ? "gte" : "lt", {Time(rd.Pick(200000))}};
        break;
      case 5:
        f = {"name", "contains", {kWords[rd.Pick(14)]}};
        break;
      case 6:
        f = {"locked", "eq", {rd.Chance(50) ? "true" : "false"}};
        break;
      case 7:
        f = {"custom.score",
             rd.Chance(50) ? "gt" : "lte",
             {rd.Chance(30) ? std::to_string(rd.Pick(100)) + ".5" : std::to_string(rd.Pick(100))}};
        break;
      case 8:
        f = {"custom.tier", "eq", {rd.Chance(50) ? "gold" : "silver"}};
        break;
      case 9:
        f = {"created_at", "lt", {FormatTimestamp(kBase + rd.Pick(9000) * 1'000'000LL)}};
        break;
      default:
        f = {"industry", "eq", {"it"}};
        break;
    }
    std::string key = f.column + (f.op == "eq" && rd.Chance(50) ? "" : "." + f.op);
    std::string value;
    for (const auto& v : f.values) value += (value.empty() ? "" : ",") + v;
    q.params.emplace(key, value);
    q.filters.push_back(std::move(f));
  }
  static const std::vector<std::vector<std::pair<std::string, bool>>> kSorts = {
      {},
      {{"name", false}},
      {{"next_contact_at", true}},
      {{"level", false}, {"created_at", true}},
      {{"custom.score", false}},
      {{"updated_at", true}},
      {{"locked", false}, {"name", true}},
  };
  q.sort = kSorts[rd.Pick(static_cast<int>(kSorts.size()))];
  std::string sort;
  for (const auto& [c, d] : q.sort)
    sort += (sort.empty() ? "" : ",") + std::string(d ? "-" : "") + c;
  if (!sort.empty()) q.params.emplace("sort", sort);
  if (rd.Chance(25)) {
    static const char* const kQ[] = {"科技", "138", "1", "北", "acme", "腾讯", "00"};
    q.q = kQ[rd.Pick(7)];
    q.params.emplace("q", q.q);
  }
  q.params.emplace("scope", "mine");  // handled elsewhere: ignored
  return q;
}

Visibility RandomVisibility(RandomData& rd) {
  Visibility vis;
  switch (rd.Pick(4)) {
    case 0:
      vis.all = true;
      break;
    case 1:
      vis.owners = {kUsers[rd.Pick(8)]};
      break;
    case 2:
      vis.owners = {kUsers[rd.Pick(8)], kUsers[rd.Pick(8)], kUsers[rd.Pick(8)]};
      vis.member = kUsers[rd.Pick(8)];
      vis.now_ns = kBase + rd.Pick(200000) * 1'000'000LL;
      break;
    default:
      vis.owner = Visibility::Owner::kUnowned;
      break;
  }
  return vis;
}

// Pages through a query with cursors; the ids in order and the totals seen.
std::vector<std::string> PageAll(const TablesProjection& p, const domain::EntitySpec& spec,
                                 QueryParams params, const Visibility& vis, std::size_t limit,
                                 std::uint64_t& total) {
  std::vector<std::string> ids;
  params.erase("limit");
  params.emplace("limit", std::to_string(limit));
  std::string cursor;
  for (int guard = 0; guard < 100000; ++guard) {
    params.erase("cursor");
    if (!cursor.empty()) params.emplace("cursor", cursor);
    auto page = p.List(spec, params, vis);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) return ids;
    if (guard == 0) total = page->total;
    EXPECT_EQ(page->total, total);
    EXPECT_LE(page->items.size(), limit);
    for (const Json& item : page->items) ids.push_back(item.Find("id")->as_string());
    if (page->next_cursor.empty()) break;
    cursor = page->next_cursor;
  }
  return ids;
}

class TablesTest : public ::testing::Test {
 protected:
  void Populate(int customers, int steps) {
    DefineCustomFields(feed_);
    // Created out of id order (imports, clocks): the id order must not assume it.
    std::vector<int> numbers(customers);
    for (int i = 0; i < customers; ++i) numbers[i] = i;
    for (int i = customers - 1; i > 0; --i) {
      if (rd_.Chance(30)) std::swap(numbers[i], numbers[rd_.Pick(i + 1)]);
    }
    for (const int i : numbers) {
      const std::string id = MakeId(100 + i);
      feed_.Emit(Customers(), id, Created(id, rd_.CustomerFields(true)), kUsers[rd_.Pick(8)]);
      ids_.push_back(id);
    }
    for (int i = 0; i < steps; ++i) {
      const std::string& id = ids_[rd_.Pick(static_cast<int>(ids_.size()))];
      const int what = rd_.Pick(10);
      if (what == 0) {
        feed_.Emit(Customers(), id, Action("Deleted"));
      } else if (what == 1) {
        feed_.Emit(Customers(), id, Action("Restored"));
      } else if (what == 2) {
        Json set = Json::MakeObject();
        set.Set("owner_id", kUsers[rd_.Pick(8)]);
        feed_.Emit(Customers(), id, Action("Transferred", set));
      } else {
        feed_.Emit(Customers(), id, Action("Updated", rd_.CustomerFields(false)));
      }
    }
    feed_.Flush();
  }

  TablesProjection p_;
  Feed feed_{p_};
  RandomData rd_;
  std::vector<std::string> ids_;
};

TEST_F(TablesTest, RandomQueriesMatchTheNaiveReference) {
  Populate(3000, 6000);
  for (int round = 0; round < 300; ++round) {
    const RefQuery q = RandomQuery(rd_);
    const Visibility vis = RandomVisibility(rd_);
    const std::size_t limit = 1 + rd_.Pick(rd_.Chance(20) ? 500 : 40);
    std::uint64_t total = 0;
    const auto got = PageAll(p_, Customers(), q.params, vis, limit, total);
    const auto want = RefList(Customers(), feed_.records(), q, vis);
    std::string desc;
    for (const auto& [k, v] : q.params) desc += k + "=" + v + "&";
    ASSERT_EQ(total, want.size()) << desc;
    ASSERT_EQ(got, want) << desc << " limit " << limit;
  }
}

TEST_F(TablesTest, FoldMatchesRecordEvolve) {
  Populate(500, 3000);
  // Values that must be kept as given (no typed form renders them back).
  Json odd = Json::MakeObject();
  odd.Set("next_contact_at", "2025-10-10T10:00:00+08:00");
  odd.Set("team", "not a team");
  odd.Set("level", 3);
  odd.Set("unknown_field", "x");
  feed_.Emit(Customers(), ids_[0], Action("Updated", odd));
  Json custom_reset = Json::MakeObject();
  custom_reset.Set("custom", "scalar");
  feed_.Emit(Customers(), ids_[1], Action("Updated", custom_reset));
  Json recreate = Json::MakeObject();
  recreate.Set("name", "again");
  feed_.Emit(Customers(), ids_[2], Created(ids_[2], recreate));
  feed_.Flush();
  int checked = 0;
  for (const auto& [stream, ref] : feed_.records()) {
    if (ref.spec != &Customers()) continue;
    auto got = p_.Get(Customers(), ref.id);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->deleted, ref.state.deleted);
    Json body = got->body;
    EXPECT_EQ(body.Find("created_by")->as_string(), ref.created_by);
    EXPECT_EQ(body.Find("updated_at")->as_string(), FormatTimestamp(ref.updated_ns));
    for (const char* common :
         {"id", "version", "created_at", "updated_at", "created_by", "pool_due_at"}) {
      body.Erase(common);
    }
    ASSERT_EQ(body.Dump(), domain::record::ToJson(Customers(), ref.state).Dump()) << stream;
    ++checked;
  }
  EXPECT_EQ(checked, 500);
}

TEST_F(TablesTest, LoadOfDocumentsGivesIdenticalAnswers) {
  Populate(800, 2000);
  const auto docs = p_.Documents();
  std::vector<std::pair<std::string, std::string>> list(docs.begin(), docs.end());
  TablesProjection loaded;
  ASSERT_TRUE(loaded.Load(list).ok());
  EXPECT_EQ(loaded.Documents(), docs);
  for (int round = 0; round < 60; ++round) {
    RefQuery q = RandomQuery(rd_);
    const Visibility vis = RandomVisibility(rd_);
    q.params.emplace("limit", "50");
    auto a = p_.List(Customers(), q.params, vis);
    auto b = loaded.List(Customers(), q.params, vis);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->total, b->total);
    EXPECT_EQ(a->next_cursor, b->next_cursor);
    ASSERT_EQ(a->items.size(), b->items.size());
    for (std::size_t i = 0; i < a->items.size(); ++i) EXPECT_EQ(a->items[i], b->items[i]);
  }
  EXPECT_EQ(loaded.CustomFieldsOf("customer").size(), 2U);
}

TEST_F(TablesTest, CursorIsStableWhileRowsAreInserted) {
  Populate(400, 0);
  for (const char* sort : {"", "name", "-next_contact_at"}) {
    QueryParams params{{"limit", "7"}};
    if (*sort != 0) params.emplace("sort", sort);
    Visibility vis;
    vis.all = true;
    const auto before =
        RefList(Customers(), feed_.records(), RefQuery{{}, {}, {}, {}}, vis);  // ids existing now
    std::set<std::string> initial(before.begin(), before.end());
    std::multiset<std::string> seen;
    std::string cursor;
    static int next = 100000;
    for (int guard = 0; guard < 1000; ++guard) {
      QueryParams page_params = params;
      if (!cursor.empty()) page_params.emplace("cursor", cursor);
      auto page = p_.List(Customers(), page_params, vis);
      ASSERT_TRUE(page.ok());
      for (const Json& item : page->items) seen.insert(item.Find("id")->as_string());
      for (int k = 0; k < 3; ++k) {  // inserts between pages, all over the order
        const std::string id = MakeId(next++);
        feed_.Emit(Customers(), id, Created(id, rd_.CustomerFields(true)));
      }
      feed_.Flush();
      if (page->next_cursor.empty()) break;
      cursor = page->next_cursor;
    }
    for (const auto& id : initial) EXPECT_EQ(seen.count(id), 1U) << sort << " " << id;
    for (const auto& id : seen) EXPECT_EQ(seen.count(id), 1U) << sort << " " << id;
  }
}

TEST(TablesSearch, ChineseBigramsPhoneFragmentsAndSingleCharacters) {
  TablesProjection p;
  Feed feed(p);
  auto add = [&](int n, const char* name, const char* phone) {
    Json set = Json::MakeObject();
    set.Set("name", name);
    set.Set("phone", phone);
    set.Set("owner_id", "u1");
    feed.Emit(Customers(), MakeId(n), Created(MakeId(n), set));
  };
  add(1, "深圳市腾讯计算机系统有限公司", "0755-86013388");
  add(2, "北京字节跳动科技有限公司", "13800138000");
  add(3, "ACME Trading", "021-5555");
  feed.Flush();
  Visibility vis;
  vis.all = true;
  auto count = [&](const char* q) {
    auto page = p.List(Customers(), {{"q", q}}, vis);
    EXPECT_TRUE(page.ok());
    return page.ok() ? page->total : 0;
  };
  EXPECT_EQ(count("腾讯"), 1U);
  EXPECT_EQ(count("有限公司"), 2U);
  EXPECT_EQ(count("13800"), 1U);
  EXPECT_EQ(count("腾"), 1U);
  EXPECT_EQ(count("0"), 3U);
  EXPECT_EQ(count("讯字"), 0U);
  EXPECT_EQ(count(domain::FoldForCompare("ACME").c_str()), 1U);
}

TEST(TablesErrors, BadParametersAre400NamingTheParameter) {
  TablesProjection p;
  Visibility vis;
  vis.all = true;
  auto parameter = [&](QueryParams params) -> std::string {
    auto page = p.List(Customers(), params, vis);
    if (page.ok()) return "<ok>";
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument);
    return page.status().parameter().value_or("<none>");
  };
  EXPECT_EQ(parameter({{"colour", "red"}}), "colour");
  EXPECT_EQ(parameter({{"website.gt", "x"}, {"remark", "y"}, {"name.like", "z"}}), "name.like");
  EXPECT_EQ(parameter({{"team", "u1"}}), "team");
  EXPECT_EQ(parameter({{"level", "zzz"}}), "level");
  EXPECT_EQ(parameter({{"level.in", "a,zzz"}}), "level.in");
  EXPECT_EQ(parameter({{"level.in", "A（重点客户）,b"}}), "<ok>");  // labels name options too
  EXPECT_EQ(parameter({{"level", ""}}), "<ok>");                    // blank: no value
  EXPECT_EQ(parameter({{"next_contact_at.gte", "yesterday"}}), "next_contact_at.gte");
  EXPECT_EQ(parameter({{"custom.nope", "1"}}), "custom.nope");
  EXPECT_EQ(parameter({{"cursor", "zz"}}), "cursor");
  EXPECT_EQ(parameter({{"cursor", "7b7d"}}), "cursor");
  EXPECT_EQ(parameter({{"limit", "0"}}), "limit");
  EXPECT_EQ(parameter({{"limit", "501"}}), "limit");
  EXPECT_EQ(parameter({{"limit", "x"}}), "limit");
  EXPECT_EQ(parameter({{"sort", "remark"}}), "sort");
  EXPECT_EQ(parameter({{"sort", "name"}, {"format", "csv"}, {"as_of", "x"}}), "<ok>");
  // A cursor of one sort does not resume another.
  const std::string cursor = [&] {
    TableQuery q = *TableQuery::Parse(Customers(), {}, {{"sort", "name"}});
    return q.MakeCursor({Json("x")}, MakeId(1));
  }();
  EXPECT_EQ(parameter({{"sort", "name"}, {"cursor", cursor}}), "<ok>");
  EXPECT_EQ(parameter({{"sort", "-name"}, {"cursor", cursor}}), "cursor");
}

TEST(TablesApply, MalformedEventsAndOtherStreamsAreSkipped) {
  TablesProjection p;
  Feed feed(p);
  eventstore::RecordedEvent bad;
  bad.stream = "customer-" + MakeId(5);
  bad.type = "CustomerCreated";
  bad.payload = "{not json";
  feed.EmitRaw(bad);
  eventstore::RecordedEvent other;
  other.stream = "user-" + MakeId(6);
  other.type = "UserCreated";
  other.payload = "{}";
  feed.EmitRaw(other);
  eventstore::RecordedEvent orphan;
  orphan.stream = "customer-" + MakeId(7);
  orphan.type = "CustomerUpdated";
  orphan.payload = R"({"set":{"name":"x"}})";
  feed.EmitRaw(orphan);
  Json set = Json::MakeObject();
  set.Set("name", "ok");
  set.Set("owner_id", "u1");
  feed.Emit(Customers(), MakeId(8), Created(MakeId(8), set));
  feed.Flush();
  EXPECT_FALSE(p.Get(Customers(), MakeId(5)).has_value());
  EXPECT_FALSE(p.Get(Customers(), MakeId(7)).has_value());
  EXPECT_TRUE(p.Get(Customers(), MakeId(8)).has_value());
  EXPECT_EQ(p.CountOwned(Customers(), "u1"), 1U);
}

TEST(TablesLookups, TakenIdsWhereCountOwnedAndTeam) {
  TablesProjection p;
  Feed feed(p);
  Json set = Json::MakeObject();
  set.Set("name", "Acme");
  set.Set("owner_id", "u1");
  Json team = Json::MakeArray();
  Json entry = Json::MakeObject();
  entry.Set("user_id", "u2");
  entry.Set("access", "read");
  entry.Set("expires_at", Time(10));
  team.Push(entry);
  set.Set("team", team);
  feed.Emit(Customers(), MakeId(1), Created(MakeId(1), set));
  for (int i = 0; i < 3; ++i) {
    Json c = Json::MakeObject();
    c.Set("customer_id", MakeId(1));
    c.Set("name", "c" + std::to_string(i));
    c.Set("owner_id", "u1");
    feed.Emit(Contacts(), MakeId(10 + i), Created(MakeId(10 + i), c));
  }
  feed.Emit(Contacts(), MakeId(12), Action("Deleted"));
  feed.Flush();
  const std::string folded = domain::FoldForCompare("Acme");
  EXPECT_TRUE(p.Taken(Customers(), "name", folded, ""));
  EXPECT_FALSE(p.Taken(Customers(), "name", folded, MakeId(1)));
  EXPECT_FALSE(p.Taken(Customers(), "name", "other", ""));
  EXPECT_EQ(p.IdsWhere(Contacts(), "customer_id", MakeId(1)).size(), 2U);
  EXPECT_EQ(p.CountOwned(Contacts(), "u1"), 2U);
  auto record = p.Get(Customers(), MakeId(1));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->owner_id, "u1");
  ASSERT_EQ(record->team.size(), 1U);
  EXPECT_EQ(record->team[0].user_id, "u2");
  EXPECT_EQ(record->team[0].expires_ns, kBase + 10'000'000);
  Visibility member;
  member.member = "u2";
  member.now_ns = kBase;
  EXPECT_EQ(p.List(Customers(), {}, member)->total, 1U);
  member.now_ns = kBase + 20'000'000;  // expired
  EXPECT_EQ(p.List(Customers(), {}, member)->total, 0U);
  // Derived fields come from the deriver, after the table's own fields.
  p.SetDeriver("customers", [](const Json& body) {
    Json out = Json::MakeObject();
    out.Set("pool_due_at", body.Find("created_at")->as_string());
    return out;
  });
  p.Rederive("customers");
  auto derived = p.Get(Customers(), MakeId(1));
  EXPECT_EQ(*derived->body.Find("pool_due_at"), *derived->body.Find("created_at"));
  std::vector<std::string> scanned;
  Visibility all;
  all.all = true;
  ASSERT_TRUE(p.Scan(Contacts(), {{"sort", "name"}}, all, [&](const Json& body) {
                 scanned.push_back(body.Find("name")->as_string());
                 return Status::Ok();
               }).ok());
  EXPECT_EQ(scanned, (std::vector<std::string>{"c0", "c1"}));
}

// A deriver with inputs sees only them, and runs only when one of them changes.
TEST(TablesDeriver, InputsLimitWhatItSeesAndWhenItRuns) {
  TablesProjection p;
  int calls = 0;
  std::vector<std::string> keys;
  p.SetDeriver("customers",
               [&](const Json& inputs) {
                 ++calls;
                 keys.clear();
                 for (const auto& [k, v] : inputs.as_object()) keys.push_back(k);
                 Json out = Json::MakeObject();
                 const Json* owner = inputs.Find("owner_id");
                 out.Set("pool_due_at",
                         owner != nullptr && owner->is_string() ? Json(Time(1)) : Json());
                 return out;
               },
               {"owner_id", "locked"});
  Feed feed(p);
  Json set = Json::MakeObject();
  set.Set("name", "Acme");
  set.Set("owner_id", "u1");
  feed.Emit(Customers(), MakeId(1), Created(MakeId(1), set));
  feed.Flush();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(keys, (std::vector<std::string>{"owner_id", "locked"}));
  Json rename = Json::MakeObject();
  rename.Set("name", "Acme 2");
  feed.Emit(Customers(), MakeId(1), Action("Updated", rename));
  feed.Flush();
  EXPECT_EQ(calls, 1);  // name is not an input
  Visibility all;
  all.all = true;
  EXPECT_EQ(p.List(Customers(), {{"pool_due_at", Time(1)}}, all)->total, 1U);
  Json release = Json::MakeObject();
  release.Set("owner_id", Json());
  feed.Emit(Customers(), MakeId(1), Action("Released", release));
  feed.Flush();
  EXPECT_EQ(calls, 2);
  auto record = p.Get(Customers(), MakeId(1));
  ASSERT_TRUE(record.has_value());
  EXPECT_TRUE(record->body.Find("pool_due_at")->is_null());
  Visibility pool;
  pool.owner = Visibility::Owner::kUnowned;
  EXPECT_EQ(p.List(Customers(), {{"pool_due_at", Time(1)}}, pool)->total, 0U);
}

// CPU time of this process (the machine is shared: wall time varies).
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// CHRONICLE_TABLES_BENCH=1000000 ./chronicle_projections_test --gtest_filter=TablesBench.*
TEST(TablesBench, SyntheticCustomers) {
  const char* env = std::getenv("CHRONICLE_TABLES_BENCH");
  if (env == nullptr) GTEST_SKIP() << "set CHRONICLE_TABLES_BENCH=rows";
  const int n = std::atoi(env);
  RandomData rd;
  std::vector<eventstore::RecordedEvent> events;
  events.reserve(n);
  for (int i = 0; i < n; ++i) {
    Json set = Json::MakeObject();
    set.Set("name", rd.Name() + std::to_string(i));
    set.Set("level", kLevels[rd.Pick(3)]);
    set.Set("industry", "it");
    set.Set("region", "广东省深圳市");
    set.Set("address", "深圳市南山区科技园科苑路" + std::to_string(i));
    set.Set("phone", rd.Phone());
    set.Set("next_contact_at", Time(rd.Pick(200000)));
    set.Set("owner_id", "user-" + std::to_string(rd.Pick(2000)));
    Json custom = Json::MakeObject();
    custom.Set("score", rd.Pick(100));
    set.Set("custom", custom);
    eventstore::RecordedEvent e;
    e.stream = "customer-" + MakeId(i + 1);
    e.position = i + 1;
    e.type = "CustomerCreated";
    e.recorded_at_ns = kBase + i * 1'000'000LL;
    e.metadata.actor = "user-1";
    e.payload = domain::record::EncodeEvent(Created(MakeId(i + 1), set)).Dump();
    events.push_back(std::move(e));
  }
  TablesProjection p;
  const std::size_t rss0 = ResidentBytes();
  const double cpu0 = CpuSeconds();
  auto t0 = std::chrono::steady_clock::now();
  for (int start = 0; start < n; start += 1000) {
    DocChanges changes;
    ASSERT_TRUE(p.Apply(std::span(events).subspan(start, std::min(1000, n - start)), changes).ok());
  }
  auto t1 = std::chrono::steady_clock::now();
  const double apply_s = std::chrono::duration<double>(t1 - t0).count();
  const double apply_cpu = CpuSeconds() - cpu0;
  const std::size_t rss1 = ResidentBytes();
  events.clear();
  events.shrink_to_fit();
  std::printf("apply: %d events in %.2f s (%.0f/s; cpu %.2f s, %.0f/s); resident +%.0f bytes/row\n",
              n, apply_s, n / apply_s, apply_cpu, n / apply_cpu,
              static_cast<double>(rss1 - rss0) / n);
  if (std::getenv("CHRONICLE_TABLES_BENCH_APPLY_ONLY") != nullptr) return;  // for profiling
  auto time_query = [&](const char* what, const QueryParams& params, const Visibility& vis) {
    std::vector<double> ms;
    std::uint64_t total = 0;
    for (int i = 0; i < 30; ++i) {
      auto a = std::chrono::steady_clock::now();
      auto page = p.List(Customers(), params, vis);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - a).count());
      ASSERT_TRUE(page.ok());
      total = page->total;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-40s total %8llu  p50 %.2f ms  max %.2f ms\n", what,
                static_cast<unsigned long long>(total), ms[15], ms.back());
  };
  Visibility rep;
  rep.owners = {"user-7"};
  Visibility manager;
  for (int i = 0; i < 50; ++i) manager.owners.push_back("user-" + std::to_string(i));
  Visibility all;
  all.all = true;
  time_query("rep, default order", {}, rep);
  time_query("rep, sort=-next_contact_at level=a", {{"sort", "-next_contact_at"}, {"level", "a"}},
             rep);
  time_query("manager (50 reps), sort=name", {{"sort", "name"}}, manager);
  time_query("all, default order", {}, all);
  time_query("all, q=科技", {{"q", "科技"}}, all);
  time_query("all, q=13800", {{"q", "13800"}}, all);
  time_query("manager, q=深", {{"q", "深"}}, manager);
  const auto docs = p.Documents();
  std::vector<std::pair<std::string, std::string>> list(docs.begin(), docs.end());
  std::size_t bytes = 0;
  for (const auto& [k, v] : list) bytes += v.size();
  TablesProjection loaded;
  t0 = std::chrono::steady_clock::now();
  const double load_cpu0 = CpuSeconds();
  ASSERT_TRUE(loaded.Load(list).ok());
  t1 = std::chrono::steady_clock::now();
  std::printf("load: %zu documents (%.0f bytes each) in %.2f s (cpu %.2f s)\n", list.size(),
              static_cast<double>(bytes) / list.size(),
              std::chrono::duration<double>(t1 - t0).count(), CpuSeconds() - load_cpu0);
}

}  // namespace
}  // namespace chronicle::projections
