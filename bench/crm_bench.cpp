// The customer lifecycle at scale (the 1M-customer issue): one run loads
// N customers, 2N contacts and 3N follow-ups into the log of a real
// `chronicle serve` and measures what a sales team feels.
//
//   build/bench/chronicle_bench_crm [--customers 1000000] [--samples 200]
//       [--departments 20] [--reps 10] [--skip-records-rebuild]
//
// Steps, all in one run on one data dir:
//   1. a fresh server; the organisation through the API (departments, one
//      manager (销售经理) and --reps reps (销售员) each), everyone logged in;
//      its RSS is the empty-data baseline;
//   2. the server stopped, the records appended straight to its log with the
//      public EventStore API (the events the command path writes:
//      CustomerCreated, ContactCreated, FollowUpCreated);
//   3. the server started on the loaded dir: the first start applies the
//      appended tail; then a restart to /readyz from the persisted read
//      models (the figure with the aim);
//   4. lists and q= searches over HTTP (one keep-alive connection,
//      sequential) as a rep, a manager and the administrator, every total
//      checked against the numbers loaded; ceiling: GET /api/v1/auth/me on
//      the same connection;
//   5. CSV export of every customer as the administrator, with the server's
//      peak RSS around it; reference: paging the list at limit=500;
//   6. `chronicle replay rebuild` of the read models, against the replay
//      ceiling (reading the whole log without applying it) of the same run;
//   7. resident memory per customer: loaded RSS minus the empty baseline.
// Every figure is printed with its aim and PASS / MISS (or "reference").
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "chronicle/base/json.hpp"
#include "chronicle/base/time.hpp"
#include "chronicle/base/uuid.hpp"
#include "chronicle/domain/lifecycle.hpp"
#include "chronicle/domain/record.hpp"
#include "chronicle/eventstore/event_store.hpp"
#include "chronicle/json/parse.hpp"
#include "chronicle/projections/data_dir.hpp"
#include "http_load.hpp"
#include "server_child.hpp"

namespace {

using chronicle::Json;
using chronicle::bench::FormatRequest;
using chronicle::bench::Headers;
using chronicle::bench::HttpConnection;
using chronicle::bench::ReadProcStats;
using chronicle::bench::Reply;
using chronicle::bench::ServerChild;
using chronicle::bench::ServerChildOptions;
namespace es = chronicle::eventstore;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::size_t customers = 1'000'000;
  std::size_t samples = 200;
  std::size_t departments = 20;
  std::size_t reps = 10;  // per department
  bool records_rebuild = true;
};
Flags g_flags;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Format(const char* format, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

// One printed figure: what, the value, the aim, and the ceiling or baseline.
void Print(const std::string& name, const std::string& figure, const std::string& aim,
           std::optional<bool> met, const std::string& beside) {
  std::printf("%-44s %-26s %-22s %-9s %s\n", name.c_str(), figure.c_str(), aim.c_str(),
              met ? (*met ? "PASS" : "MISS") : "reference", beside.c_str());
  std::fflush(stdout);
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// ---- The data set -------------------------------------------------------------
// Company names: city + brand (two syllables) + trade + form, e.g.
// 杭州华信科技有限公司. A city (30) is a common 2-character query; a brand
// pair from ~300 syllables is a rare one.
constexpr const char* kCities[] = {"北京", "上海", "广州", "深圳", "杭州", "南京",  "苏州", "成都",
                                   "重庆", "武汉", "西安", "天津", "长沙", "郑州",  "青岛", "宁波",
                                   "厦门", "福州", "合肥", "济南", "昆明", "沈阳",  "大连", "无锡",
                                   "佛山", "东莞", "南昌", "贵阳", "太原", "石家庄"};
constexpr const char* kSyllables =
    "华信达通宏远盛恒泰安康利丰源鑫隆昌兴顺德嘉和祥瑞永金银宝鼎新晨星辰光明阳升腾飞龙凤"
    "天地海山川林森蓝绿青白云峰岭江河湖泉石玉珠晶博聚汇合众诚联创智慧思维志远卓越优尚"
    "品典雅致美佳乐欣悦喜福禄寿吉祥如意万千百亿方圆正中东南西北京沪粤浙苏皖闽赣鲁豫"
    "鄂湘桂琼川黔滇藏陕甘宁蒙辽吉黑新港澳台亚欧美非澳环宇宙辉煌灿烂锦绣前程朝霞旭日"
    "春夏秋冬梅兰竹菊松柏杨柳桃李樱荷莲萱芳菲馨雅韵诗书画琴棋茗香醇酿坊轩阁楼台亭园"
    "苑庭院府邸堂殿宫廷铭鸿鹏鹤燕雁鸥鹭麟骏驰腾跃奔翔航舟帆桥路港湾岸洲岛屿原野田";
constexpr const char* kTrades[] = {"科技", "贸易", "电子", "机械", "医药", "食品",
                                   "物流", "建材", "服饰", "化工", "传媒", "咨询"};
constexpr const char* kForms[] = {"有限公司", "股份有限公司", "集团有限公司", "实业有限公司"};
constexpr const char* kIndustries[] = {"制造业", "批发零售", "信息技术", "金融",
                                       "房地产", "医疗健康", "教育",     "物流运输",
                                       "餐饮",   "建筑",     "能源",     "文化传媒"};
constexpr std::size_t kIndustryCount = std::size(kIndustries);
constexpr const char* kLevels[] = {"a", "b", "c"};
constexpr const char* kSources[] = {"campaign", "phone_inquiry", "referral", "web", "other"};
constexpr const char* kRegions[] = {"华东", "华南", "华北", "华中", "西南", "西北", "东北"};
constexpr std::size_t kRegionCount = std::size(kRegions);
constexpr const char* kSurnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
constexpr const char* kGivens = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红";
constexpr const char* kPositions[] = {"总经理", "采购经理", "财务总监", "技术负责人", "行政主管"};
constexpr const char* kMethods[] = {"phone", "email", "visit", "sms", "wechat"};
constexpr const char* kNotes[] = {"电话沟通了报价，客户表示下周再确认", "上门拜访，演示了产品",
                                  "发送了合同草稿", "客户询问售后政策", "约定月底复谈"};

// The UTF-8 characters of a string of CJK characters (3 bytes each).
std::vector<std::string> Chars(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 3 <= text.size(); i += 3) out.emplace_back(text.substr(i, 3));
  return out;
}

struct User {
  std::string id;
  std::string username;
  std::string token;
  std::size_t department = 0;
};

struct Customer {
  std::string name;
  std::string phone;
  std::uint16_t owner = 0;  // index into reps
  std::uint8_t level = 0;
  std::uint8_t industry = 0;
  std::uint8_t region = 0;
};

// ---- HTTP helpers -------------------------------------------------------------

Json Parse(const Reply& reply) {
  auto parsed = chronicle::ParseJson(reply.body);
  return parsed.ok() ? std::move(parsed).value() : Json();
}

std::string StringAt(const Json& json, std::string_view key) {
  const Json* v = json.Find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::int64_t IntAt(const Json& json, std::string_view key) {
  const Json* v = json.Find(key);
  return v != nullptr && v->is_int() ? v->as_int() : -1;
}

// Usernames are 11-digit mobile numbers: 138xxxxxxxx for reps, 139... for managers.
std::string MobileUsername(int prefix, std::size_t n) {
  std::string digits = std::to_string(n % 100'000'000);
  return std::to_string(prefix) + std::string(8 - digits.size(), '0') + digits;
}

Headers Auth(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

Reply Call(HttpConnection& http, const std::string& token, const std::string& method,
           const std::string& target, const Json* body = nullptr) {
  Headers headers = Auth(token);
  if (body != nullptr) headers.emplace_back("Content-Type", "application/json");
  return http.Exchange(FormatRequest(method, target, headers, body ? body->Dump() : ""));
}

std::string Login(HttpConnection& http, const std::string& username, const std::string& password) {
  Json body = Json::MakeObject();
  body.Set("username", username);
  body.Set("password", password);
  return StringAt(
      Parse(http.Exchange(FormatRequest("POST", "/api/v1/auth/login",
                                        {{"Content-Type", "application/json"}}, body.Dump()))),
      "token");
}

// Seconds from now until GET /readyz answers 200 (or nullopt after `limit`).
std::optional<double> WaitReady(unsigned short port, std::chrono::seconds limit,
                                Clock::time_point since) {
  HttpConnection http(port, std::chrono::seconds(5));
  const auto give_up = Clock::now() + limit;
  while (Clock::now() < give_up) {
    if (http.Exchange(FormatRequest("GET", "/readyz")).status == 200) return Seconds(since);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::nullopt;
}

struct Latency {
  double p50_ms = 0;
  double p99_ms = 0;
  std::size_t samples = 0;
  std::size_t bad_status = 0;
  std::size_t wrong_total = 0;
  std::string first_problem;
};

Latency Percentiles(std::vector<double> seconds) {
  Latency out;
  out.samples = seconds.size();
  if (seconds.empty()) return out;
  std::sort(seconds.begin(), seconds.end());
  auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(seconds.size() - 1) + 0.5);
    return seconds[std::min(i, seconds.size() - 1)] * 1000;
  };
  out.p50_ms = at(0.50);
  out.p99_ms = at(0.99);
  return out;
}

// A query: its target and the total it must answer (-1: not checked).
struct Probe {
  std::string token;
  std::string target;
  std::int64_t expected_total = -1;
};

Latency Measure(HttpConnection& http, std::size_t samples,
                const std::function<Probe(std::size_t)>& make) {
  std::vector<double> seconds;
  Latency bad;
  for (std::size_t i = 0; i < samples; ++i) {
    const Probe probe = make(i);
    const Reply reply = Call(http, probe.token, "GET", probe.target);
    seconds.push_back(reply.seconds);
    if (reply.status != 200) {
      ++bad.bad_status;
      if (bad.first_problem.empty()) {
        bad.first_problem = probe.target + " -> " + std::to_string(reply.status) + " " +
                            reply.error + reply.body.substr(0, 200);
      }
      continue;
    }
    if (probe.expected_total >= 0) {
      const std::int64_t total = IntAt(Parse(reply), "total");
      if (total != probe.expected_total) {
        ++bad.wrong_total;
        if (bad.first_problem.empty()) {
          bad.first_problem = probe.target + " total " + std::to_string(total) + ", loaded " +
                              std::to_string(probe.expected_total);
        }
      }
    }
  }
  Latency out = Percentiles(std::move(seconds));
  out.bad_status = bad.bad_status;
  out.wrong_total = bad.wrong_total;
  out.first_problem = bad.first_problem;
  return out;
}

// ---- The bench ----------------------------------------------------------------

class CrmBench {
 public:
  CrmBench() = default;
  // Removes the data dir, also after a failed step.
  ~CrmBench() {
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }
  CrmBench(const CrmBench&) = delete;
  CrmBench& operator=(const CrmBench&) = delete;

  int Run();

 private:
  bool CreateOrganisation(ServerChild& server);
  void Generate();
  bool Load();
  void MeasureQueries(unsigned short port);
  void MeasureExport(ServerChild& server);
  void MeasureRebuild();

  std::filesystem::path root_;
  std::filesystem::path data_dir_;
  std::string password_ = "Bench#2026-password";
  std::string admin_token_;
  std::vector<User> managers_;  // one per department
  std::vector<User> reps_;      // departments * reps
  std::vector<Customer> customers_;
  std::vector<std::string> customer_ids_;
  double empty_rss_mib_ = 0;
  double empty_start_seconds_ = 0;
  double auth_me_p99_ms_ = 0;
};

bool CrmBench::CreateOrganisation(ServerChild& server) {
  HttpConnection http(server.port(), std::chrono::seconds(30));
  admin_token_ = Login(http, "admin", server.admin_password());
  if (admin_token_.empty()) {
    std::printf("cannot log in as admin: %s\n", server.LogTail(1000).c_str());
    return false;
  }
  const Json tree = Parse(Call(http, admin_token_, "GET", "/api/v1/departments"));
  std::string top;
  if (const Json* items = tree.Find("items");
      items && items->is_array() && !items->as_array().empty()) {
    top = StringAt(items->as_array()[0], "id");
  }
  std::map<std::string, std::string> roles;
  const Json role_list = Parse(Call(http, admin_token_, "GET", "/api/v1/roles"));
  if (const Json* items = role_list.Find("items"); items && items->is_array()) {
    for (const auto& role : items->as_array()) roles[StringAt(role, "name")] = StringAt(role, "id");
  }
  if (top.empty() || !roles.contains("销售员") || !roles.contains("销售经理")) {
    std::printf("no top department or seeded roles\n");
    return false;
  }
  auto create_user = [&](const std::string& username, const std::string& name,
                         const std::string& department, const std::string& role,
                         const std::string& supervisor) -> std::string {
    Json body = Json::MakeObject();
    body.Set("username", username);
    body.Set("password", "Passw0rd!");
    body.Set("name", name);
    body.Set("department_id", department);
    Json role_ids = Json::MakeArray();
    role_ids.Push(roles.at(role));
    body.Set("role_ids", std::move(role_ids));
    if (!supervisor.empty()) body.Set("supervisor_id", supervisor);
    const Reply r = Call(http, admin_token_, "POST", "/api/v1/users", &body);
    if (r.status != 201) std::printf("POST /api/v1/users %u %s\n", r.status, r.body.c_str());
    return StringAt(Parse(r), "id");
  };
  const auto surnames = Chars(kSurnames);
  const auto givens = Chars(kGivens);
  for (std::size_t d = 0; d < g_flags.departments; ++d) {
    Json body = Json::MakeObject();
    body.Set("name", "销售" + std::to_string(d + 1) + "部");
    body.Set("parent_id", top);
    const Reply r = Call(http, admin_token_, "POST", "/api/v1/departments", &body);
    const std::string department = StringAt(Parse(r), "id");
    if (r.status != 201 || department.empty()) {
      std::printf("POST /api/v1/departments %u %s\n", r.status, r.body.c_str());
      return false;
    }
    User manager{"", MobileUsername(139, d), "", d};
    manager.id = create_user(manager.username, surnames[d % surnames.size()] + "经理", department,
                             "销售经理", "");
    if (manager.id.empty()) return false;
    for (std::size_t k = 0; k < g_flags.reps; ++k) {
      const std::size_t n = d * g_flags.reps + k;
      User rep{"", MobileUsername(138, n), "", d};
      rep.id =
          create_user(rep.username, surnames[n % surnames.size()] + givens[(n / 7) % givens.size()],
                      department, "销售员", manager.id);
      if (rep.id.empty()) return false;
      reps_.push_back(std::move(rep));
    }
    managers_.push_back(std::move(manager));
  }
  for (auto* group : {&managers_, &reps_}) {
    for (auto& user : *group) {
      user.token = Login(http, user.username, "Passw0rd!");
      if (user.token.empty()) {
        std::printf("cannot log in %s\n", user.username.c_str());
        return false;
      }
    }
  }
  return true;
}

void CrmBench::Generate() {
  std::mt19937_64 rng(20261201);
  const auto syllables = Chars(kSyllables);
  std::unordered_set<std::string> names;
  customers_.reserve(g_flags.customers);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  while (customers_.size() < g_flags.customers) {
    Customer c;
    c.name = std::string(kCities[pick(std::size(kCities))]) + syllables[pick(syllables.size())] +
             syllables[pick(syllables.size())] + kTrades[pick(std::size(kTrades))] +
             kForms[pick(std::size(kForms))];
    if (!names.insert(c.name).second) continue;  // names are unique, as the command path keeps them
    c.phone = "1" + std::to_string(3 + pick(7));
    for (int i = 0; i < 9; ++i) c.phone.push_back(static_cast<char>('0' + pick(10)));
    c.owner = static_cast<std::uint16_t>(pick(reps_.size()));
    const std::size_t level = pick(10);
    c.level = static_cast<std::uint8_t>(level < 2 ? 0 : level < 7 ? 1 : 2);
    c.industry = static_cast<std::uint8_t>(pick(kIndustryCount));
    c.region = static_cast<std::uint8_t>(pick(kRegionCount));
    customers_.push_back(std::move(c));
  }
}

// Appends every record to the log, the way the command path writes them
// (record::EncodeEvent of a Created event, actor = the owner), keeping up to
// kWindow appends in flight so the store's group commit batches them.
bool CrmBench::Load() {
  constexpr std::size_t kWindow = 512;
  es::Options options;
  options.durability = es::Durability::kAsync;
  auto opened = es::EventStore::Open(options, chronicle::projections::LogDir(data_dir_));
  if (!opened.ok()) {
    std::printf("cannot open the log: %s\n", opened.status().ToString().c_str());
    return false;
  }
  auto store = std::move(opened).value();
  const std::uint64_t before = store->LastPosition();
  std::mutex mu;
  std::condition_variable cv;
  std::size_t in_flight = 0;
  std::string first_error;
  auto append = [&](const chronicle::domain::EntitySpec& spec, const std::string& id,
                    chronicle::domain::record::Event event, const std::string& actor) {
    event.info.Set("id", id);
    es::NewEvent record;
    record.type = chronicle::domain::record::EventType(spec, event);
    record.payload = chronicle::domain::record::EncodeEvent(event).Dump();
    record.metadata = {actor, "bench-load", ""};
    std::vector<es::NewEvent> events;
    events.push_back(std::move(record));
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < kWindow; });
      ++in_flight;
    }
    store->AppendAsync(std::string(spec.stream_prefix) + id, es::ExpectedVersion::NoStream(),
                       std::move(events), [&](chronicle::Result<es::AppendResult> result) {
                         std::lock_guard lock(mu);
                         if (!result.ok() && first_error.empty()) {
                           first_error = result.status().ToString();
                         }
                         --in_flight;
                         cv.notify_one();
                       });
  };
  const auto surnames = Chars(kSurnames);
  const auto givens = Chars(kGivens);
  std::mt19937_64 rng(7);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const std::int64_t now_ms = chronicle::NowNs() / 1'000'000;
  // Ids in creation order, as a server assigns them (UUIDv7 is time-ordered
  // across milliseconds, random within one): one millisecond per record,
  // ending now.
  std::int64_t tick = now_ms - static_cast<std::int64_t>(customers_.size()) * 6;
  auto next_ms = [&tick] { return tick++; };
  const auto& customer_spec = chronicle::domain::customer::Spec();
  const auto& contact_spec = chronicle::domain::contact::Spec();
  const auto& follow_up_spec = chronicle::domain::follow_up::Spec();
  customer_ids_.reserve(customers_.size());
  const auto started = Clock::now();
  auto last_print = started;
  for (std::size_t i = 0; i < customers_.size(); ++i) {
    const Customer& c = customers_[i];
    const std::string& owner = reps_[c.owner].id;
    const std::string id = chronicle::NewUuidV7(next_ms()).ToString();
    customer_ids_.push_back(id);
    const std::string now = chronicle::FormatTimestamp(chronicle::NowNs());
    chronicle::domain::record::Event created;
    created.action = "Created";
    created.set.Set("name", c.name);
    created.set.Set("level", kLevels[c.level]);
    created.set.Set("industry", kIndustries[c.industry]);
    created.set.Set("source", kSources[pick(std::size(kSources))]);
    created.set.Set("region", kRegions[c.region]);
    created.set.Set("phone", c.phone);
    created.set.Set("owner_id", owner);
    created.set.Set("owned_since", now);
    created.set.Set("last_follow_up_at", now);
    created.set.Set("deal_status", "not_closed");
    created.set.Set("locked", false);
    append(customer_spec, id, std::move(created), owner);
    for (int k = 0; k < 2; ++k) {
      chronicle::domain::record::Event contact;
      contact.action = "Created";
      contact.set.Set("customer_id", id);
      contact.set.Set("name", surnames[pick(surnames.size())] + givens[pick(givens.size())] +
                                  (pick(2) == 0 ? givens[pick(givens.size())] : std::string()));
      std::string mobile = "1" + std::to_string(3 + pick(7));
      for (int d = 0; d < 9; ++d) mobile.push_back(static_cast<char>('0' + pick(10)));
      contact.set.Set("mobile", mobile);
      contact.set.Set("position", kPositions[pick(std::size(kPositions))]);
      contact.set.Set("is_primary", k == 0);
      contact.set.Set("owner_id", owner);
      append(contact_spec, chronicle::NewUuidV7(next_ms()).ToString(), std::move(contact), owner);
    }
    for (int k = 0; k < 3; ++k) {
      chronicle::domain::record::Event follow_up;
      follow_up.action = "Created";
      follow_up.set.Set("target_type", "customer");
      follow_up.set.Set("target_id", id);
      follow_up.set.Set("method", kMethods[pick(std::size(kMethods))]);
      follow_up.set.Set("content", kNotes[pick(std::size(kNotes))]);
      follow_up.set.Set("at", now);
      follow_up.set.Set("owner_id", owner);
      append(follow_up_spec, chronicle::NewUuidV7(next_ms()).ToString(), std::move(follow_up),
             owner);
    }
    if (Clock::now() - last_print > std::chrono::seconds(5)) {
      last_print = Clock::now();
      std::fprintf(stderr, "  loading: %zu/%zu customers, %.0f s\n", i + 1, customers_.size(),
                   Seconds(started));
    }
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  const double seconds = Seconds(started);
  const std::uint64_t events = store->LastPosition() - before;
  store.reset();  // closes the log before the server opens it
  if (!first_error.empty()) {
    std::printf("append failed: %s\n", first_error.c_str());
    return false;
  }
  Print("load: append through EventStore (async WAL)",
        Format("%.0f events/s", static_cast<double>(events) / seconds), "(none)", std::nullopt,
        Format("%.0f events", static_cast<double>(events)) + Format(" in %.1f s", seconds) +
            Format(" = %.0f customers/s", static_cast<double>(customers_.size()) / seconds));
  return true;
}

void CrmBench::MeasureQueries(unsigned short port) {
  HttpConnection http(port, std::chrono::seconds(120));
  const std::size_t n = g_flags.samples;
  const std::size_t reps_per_department = g_flags.reps;

  // Expected totals from what was loaded.
  std::vector<std::array<std::array<std::int64_t, kIndustryCount>, kRegionCount>> by_owner(
      reps_.size());
  for (auto& o : by_owner) {
    for (auto& l : o) l.fill(0);
  }
  for (const Customer& c : customers_) ++by_owner[c.owner][c.region][c.industry];
  auto list_total = [&](int who, std::size_t index, std::size_t region, std::size_t industry) {
    std::int64_t total = 0;
    for (std::size_t r = 0; r < reps_.size(); ++r) {
      const bool in = who == 0 ? r == index : who == 1 ? reps_[r].department == index : true;
      if (in) total += by_owner[r][region][industry];
    }
    return total;
  };
  // q= texts: common (a city), rare (a brand: the two syllables of a loaded
  // name), a phone fragment (5 digits of a loaded phone).
  std::vector<std::string> common;
  std::vector<std::string> rare;
  std::vector<std::string> phone;
  for (std::size_t k = 0; k < 10; ++k) {
    common.emplace_back(kCities[k * 3 % std::size(kCities)]);
    const Customer& c = customers_[(k * 7919) % customers_.size()];
    std::string brand;
    for (const char* city : kCities) {
      if (c.name.rfind(city, 0) == 0) brand = c.name.substr(std::strlen(city), 6);
    }
    rare.push_back(brand);
    phone.push_back(c.phone.substr(3, 5));
  }
  std::map<std::string, std::vector<std::int64_t>> q_by_owner;
  for (const auto* list : {&common, &rare, &phone}) {
    for (const auto& q : *list) q_by_owner[q].assign(reps_.size(), 0);
  }
  for (const Customer& c : customers_) {
    for (auto& [q, counts] : q_by_owner) {
      if (c.name.find(q) != std::string::npos || c.phone.find(q) != std::string::npos) {
        ++counts[c.owner];
      }
    }
  }
  auto q_total = [&](int who, std::size_t index, const std::string& q) {
    std::int64_t total = 0;
    for (std::size_t r = 0; r < reps_.size(); ++r) {
      const bool in = who == 0 ? r == index : who == 1 ? reps_[r].department == index : true;
      if (in) total += q_by_owner[q][r];
    }
    return total;
  };
  std::int64_t common_all = 0;
  std::int64_t rare_all = 0;
  std::int64_t phone_all = 0;
  for (std::size_t k = 0; k < 10; ++k) {
    common_all += q_total(2, 0, common[k]);
    rare_all += q_total(2, 0, rare[k]);
    phone_all += q_total(2, 0, phone[k]);
  }
  std::printf(
      "q= texts: common %s.. (%.0f matches each on average), rare %s.. (%.1f), "
      "phone %s.. (%.1f), over all customers\n",
      common[0].c_str(), static_cast<double>(common_all) / 10, rare[0].c_str(),
      static_cast<double>(rare_all) / 10, phone[0].c_str(), static_cast<double>(phone_all) / 10);

  // Ceilings on the same connection.
  const Latency healthz = Measure(http, n, [](std::size_t) { return Probe{"", "/healthz"}; });
  const Latency me = Measure(http, n, [&](std::size_t i) {
    return Probe{reps_[i % reps_.size()].token, "/api/v1/auth/me"};
  });
  auth_me_p99_ms_ = me.p99_ms;
  Print("ceiling: GET /healthz",
        Format("p50 %.2f ms", healthz.p50_ms) + Format(" p99 %.2f ms", healthz.p99_ms), "(ceiling)",
        std::nullopt, "");
  Print("ceiling: GET /api/v1/auth/me (a rep)",
        Format("p50 %.2f ms", me.p50_ms) + Format(" p99 %.2f ms", me.p99_ms), "(ceiling)",
        std::nullopt, "");

  auto report = [&](const std::string& name, const Latency& l, bool has_aim) {
    std::string beside = Format("ceiling /auth/me p99 %.2f ms; ", me.p99_ms) +
                         std::to_string(l.samples) + " samples";
    if (l.wrong_total + l.bad_status > 0) {
      beside += ", " + std::to_string(l.bad_status) + " failed, " + std::to_string(l.wrong_total) +
                " wrong totals: " + l.first_problem;
    } else {
      beside += ", every total matches the load";
    }
    Print(name, Format("p50 %.2f ms", l.p50_ms) + Format(" p99 %.2f ms", l.p99_ms),
          has_aim ? "p99 < 10 ms" : "(none)",
          has_aim ? std::optional<bool>(l.p99_ms < 10 && l.bad_status + l.wrong_total == 0)
                  : std::nullopt,
          beside);
  };

  struct Role {
    const char* name;
    int who;
  };
  const char* sort = "&sort=-created_at&limit=20";
  for (const Role role : {Role{"rep", 0}, Role{"manager", 1}, Role{"admin", 2}}) {
    auto token_of = [&](std::size_t i) -> std::pair<std::string, std::size_t> {
      if (role.who == 0) return {reps_[i % reps_.size()].token, i % reps_.size()};
      if (role.who == 1) return {managers_[i % managers_.size()].token, i % managers_.size()};
      return {admin_token_, 0};
    };
    auto list_target = [&](std::size_t i) {
      return "/api/v1/customers?region=" + PercentEncode(kRegions[i % kRegionCount]) +
             "&industry=" + PercentEncode(kIndustries[(i / kRegionCount) % kIndustryCount]) + sort;
    };
    report(std::string(role.name) + " list: region + industry, sort, page 1",
           Measure(http, n,
                   [&](std::size_t i) {
                     auto [token, index] = token_of(i);
                     return Probe{token, list_target(i),
                                  list_total(role.who, index, i % kRegionCount,
                                             (i / kRegionCount) % kIndustryCount)};
                   }),
           true);
    // Page 2 of the whole list in scope (sorted), through page 1's cursor:
    // the filtered lists may fit on one page.
    std::vector<Probe> page2;
    for (std::size_t i = 0; i < n; ++i) {
      auto [token, index] = token_of(i);
      std::int64_t in_scope = 0;
      for (std::size_t r = 0; r < reps_.size(); ++r) {
        const bool in = role.who == 0   ? r == index
                        : role.who == 1 ? reps_[r].department == index
                                        : true;
        for (const auto& region : by_owner[r]) {
          for (const std::int64_t count : region) in_scope += in ? count : 0;
        }
      }
      const std::string first_page = "/api/v1/customers?sort=-created_at&limit=20";
      const std::string cursor =
          StringAt(Parse(Call(http, token, "GET", first_page)), "next_cursor");
      page2.push_back({token, first_page + "&cursor=" + PercentEncode(cursor), in_scope});
    }
    report(std::string(role.name) + " list: sort, page 2 through the cursor",
           Measure(http, n, [&](std::size_t i) { return page2[i]; }), true);
    auto q_probe = [&](const std::vector<std::string>& texts) {
      return [&, texts](std::size_t i) {
        auto [token, index] = token_of(i);
        const std::string& q = texts[i % texts.size()];
        return Probe{token, "/api/v1/customers?q=" + PercentEncode(q) + sort,
                     q_total(role.who, index, q)};
      };
    };
    report(std::string(role.name) + " q= common 2 chars (a city)",
           Measure(http, n, q_probe(common)), true);
    report(std::string(role.name) + " q= rare 2 chars (a brand)", Measure(http, n, q_probe(rare)),
           true);
    report(std::string(role.name) + " q= phone fragment (5 digits)",
           Measure(http, n, q_probe(phone)), true);
  }
  // An enum filter (level=a), as the lists use it.
  {
    std::int64_t expected = 0;
    for (const Customer& c : customers_) expected += c.owner == 0 && c.level == 0 ? 1 : 0;
    const Reply r =
        Call(http, reps_[0].token, "GET", "/api/v1/customers?level=a" + std::string(sort));
    const std::int64_t total = r.status == 200 ? IntAt(Parse(r), "total") : -1;
    Print("rep list: level=a (an enum filter)", "status " + std::to_string(r.status),
          "200, total = loaded", r.status == 200 && total == expected,
          r.status == 200
              ? "total " + std::to_string(total) + ", loaded " + std::to_string(expected)
              : r.body.substr(0, 160));
  }
  // Totals the issue names: a rep's and a manager's whole list, and all.
  auto total_of = [&](const std::string& token) {
    return IntAt(Parse(Call(http, token, "GET", "/api/v1/customers?limit=1")), "total");
  };
  std::int64_t rep_expected = 0;
  for (const Customer& c : customers_) rep_expected += c.owner == 0 ? 1 : 0;
  std::int64_t manager_expected = 0;
  for (const Customer& c : customers_) manager_expected += reps_[c.owner].department == 0 ? 1 : 0;
  const std::int64_t rep_total = total_of(reps_[0].token);
  const std::int64_t manager_total = total_of(managers_[0].token);
  const std::int64_t all_total = total_of(admin_token_);
  const bool totals_ok = rep_total == rep_expected && manager_total == manager_expected &&
                         all_total == static_cast<std::int64_t>(customers_.size());
  Print("totals: rep / manager / admin customers",
        std::to_string(rep_total) + " / " + std::to_string(manager_total) + " / " +
            std::to_string(all_total),
        "= loaded", totals_ok,
        "loaded " + std::to_string(rep_expected) + " / " + std::to_string(manager_expected) +
            " / " + std::to_string(customers_.size()) + " (department of " +
            std::to_string(reps_per_department) + " reps)");
  const std::int64_t contacts =
      IntAt(Parse(Call(http, admin_token_, "GET", "/api/v1/contacts?limit=1")), "total");
  const std::int64_t follow_ups =
      IntAt(Parse(Call(http, admin_token_, "GET", "/api/v1/follow-ups?limit=1")), "total");
  Print("totals: contacts / follow-ups (admin)",
        std::to_string(contacts) + " / " + std::to_string(follow_ups), "= loaded",
        contacts == static_cast<std::int64_t>(2 * customers_.size()) &&
            follow_ups == static_cast<std::int64_t>(3 * customers_.size()),
        "loaded " + std::to_string(2 * customers_.size()) + " / " +
            std::to_string(3 * customers_.size()));
}

void CrmBench::MeasureExport(ServerChild& server) {
  HttpConnection http(server.port(), std::chrono::seconds(600));
  // Reference: a client paging the list at the largest page instead.
  const std::size_t pages = 20;
  std::string cursor;
  std::size_t rows = 0;
  const auto paging_started = Clock::now();
  for (std::size_t p = 0; p < pages; ++p) {
    std::string target = "/api/v1/customers?limit=500&sort=-created_at";
    if (!cursor.empty()) target += "&cursor=" + PercentEncode(cursor);
    const Json page = Parse(Call(http, admin_token_, "GET", target));
    if (const Json* items = page.Find("items"); items && items->is_array()) {
      rows += items->as_array().size();
    }
    cursor = StringAt(page, "next_cursor");
    if (cursor.empty()) break;
  }
  const double paging_rate = static_cast<double>(rows) / Seconds(paging_started);

  const auto before = ReadProcStats(server.pid());
  const auto started = Clock::now();
  const Reply reply = Call(http, admin_token_, "GET", "/api/v1/customers/export?format=csv");
  const double seconds = Seconds(started);
  const auto after = ReadProcStats(server.pid());
  if (reply.status != 200) {
    Print("export: CSV of every customer (admin)", "pending", ">= paging", std::nullopt,
          "GET /api/v1/customers/export?format=csv answered " + std::to_string(reply.status) +
              " (the export route is not in this build)");
    return;
  }
  const std::uint64_t exported = reply.body_lines > 0 ? reply.body_lines - 1 : 0;  // header
  const double rate = static_cast<double>(exported) / seconds;
  Print("export: CSV of every customer (admin)", Format("%.0f rows/s", rate), ">= paging",
        rate >= paging_rate && exported == customers_.size(),
        Format("%.0f rows", static_cast<double>(exported)) +
            Format(" (loaded %.0f)", static_cast<double>(customers_.size())) +
            Format(", %.1f MiB", static_cast<double>(reply.body_bytes) / (1 << 20)) +
            Format(" in %.1f s", seconds) + Format("; paging limit=500: %.0f rows/s", paging_rate));
  Print("export: server RSS / peak (VmHWM)",
        Format("%.0f MiB", after.rss_mib) + Format(" / %.0f MiB", after.hwm_mib), "(none)",
        std::nullopt,
        Format("before: %.0f MiB", before.rss_mib) + Format(" / %.0f MiB peak", before.hwm_mib) +
            Format("; peak grew %.0f MiB", after.hwm_mib - before.hwm_mib));
}

void CrmBench::MeasureRebuild() {
  // Ceiling: read the whole log in the pages Rebuild reads, applying nothing.
  double ceiling = 0;
  std::uint64_t last = 0;
  {
    auto store = es::EventStore::Open({}, chronicle::projections::LogDir(data_dir_));
    if (!store.ok()) {
      std::printf("cannot open the log: %s\n", store.status().ToString().c_str());
      return;
    }
    last = (*store)->LastPosition();
    const auto started = Clock::now();
    std::uint64_t read = 0;
    for (std::uint64_t from = 1; from <= last;) {
      auto batch = (*store)->ReadAll(from, 4096);
      if (!batch.ok() || batch->empty()) break;
      read += batch->size();
      from = batch->back().position + 1;
    }
    ceiling = static_cast<double>(read) / Seconds(started);
  }
  Print("replay ceiling: read the log, apply nothing", Format("%.0f events/s", ceiling),
        "(ceiling)", std::nullopt, Format("%.0f events", static_cast<double>(last)));
  std::vector<std::string> projections = {"tables"};
  if (g_flags.records_rebuild) projections.emplace_back("records");
  for (const auto& name : projections) {
    auto run = chronicle::bench::RunChronicle(
        {"replay", "rebuild", "--data-dir", data_dir_.string(), "--projection", name});
    if (!run.ok() || run->exit_code != 0) {
      Print("rebuild " + name, "failed", ">= 500k events/s", false,
            run.ok() ? run->output.substr(0, 300) : run.status().ToString());
      continue;
    }
    // "rebuilt NAME to position N in S s": S excludes process start.
    double seconds = run->seconds;
    if (auto at = run->output.find(" in "); at != std::string::npos) {
      seconds = std::strtod(run->output.c_str() + at + 4, nullptr);
    }
    const double rate = static_cast<double>(last) / seconds;
    Print("rebuild " + name + " (chronicle replay rebuild)", Format("%.0f events/s", rate),
          ">= 500k events/s",
          name == "tables" ? std::optional<bool>(rate >= 500'000) : std::nullopt,
          Format("%.0f%% of the replay ceiling", 100 * rate / ceiling) +
              Format("; %.1f s", seconds) + Format(" (process %.1f s)", run->seconds));
  }
}

int CrmBench::Run() {
  root_ =
      std::filesystem::temp_directory_path() / ("chronicle-crm-bench-" + std::to_string(getpid()));
  data_dir_ = root_ / "data";
  std::filesystem::create_directories(root_);
  std::printf(
      "chronicle_bench_crm: %zu customers, %zu contacts, %zu follow-ups; %zu departments "
      "x (%zu reps + 1 manager); %zu samples per query; data dir %s\n",
      g_flags.customers, 2 * g_flags.customers, 3 * g_flags.customers, g_flags.departments,
      g_flags.reps, g_flags.samples, data_dir_.c_str());
  std::printf("%-44s %-26s %-22s %-9s %s\n", "figure", "measured", "aim", "", "beside");
  ServerChildOptions options;
  options.admin_password = password_;
  options.data_dir = data_dir_;
  options.start_timeout = std::chrono::seconds(1800);
  const int stop_grace_ms = 120'000;

  // 1. Empty server, organisation, baseline RSS.
  {
    const auto started = Clock::now();
    auto server = ServerChild::Start(options);
    if (!server.ok()) {
      std::printf("cannot start chronicle serve: %s\n", server.status().ToString().c_str());
      return 1;
    }
    if (!WaitReady((*server)->port(), std::chrono::seconds(60), started)) return 1;
    if (!CreateOrganisation(**server)) return 1;
    (*server)->Stop(stop_grace_ms);
    // Restart empty: its start time and RSS are the baselines.
    const auto restarted = Clock::now();
    server = ServerChild::Start(options);
    if (!server.ok()) return 1;
    auto ready = WaitReady((*server)->port(), std::chrono::seconds(60), restarted);
    if (!ready) return 1;
    empty_start_seconds_ = *ready;
    HttpConnection http((*server)->port(), std::chrono::seconds(30));
    for (const auto& rep : reps_) Call(http, rep.token, "GET", "/api/v1/customers?limit=20");
    empty_rss_mib_ = ReadProcStats((*server)->pid()).rss_mib;
    Print("baseline: server with the organisation only", Format("RSS %.1f MiB", empty_rss_mib_),
          "(baseline)", std::nullopt,
          Format("restart to /readyz %.2f s; ", empty_start_seconds_) +
              std::to_string(reps_.size()) + " reps, " + std::to_string(managers_.size()) +
              " managers logged in");
    (*server)->Stop(stop_grace_ms);
  }

  // 2. Load straight into the log.
  Generate();
  if (!Load()) return 1;

  // 3. First start (applies the appended tail), then a restart.
  double first_start_seconds = 0;
  {
    const auto started = Clock::now();
    auto server = ServerChild::Start(options);
    if (!server.ok()) {
      std::printf("cannot start chronicle serve: %s\n", server.status().ToString().c_str());
      return 1;
    }
    auto ready = WaitReady((*server)->port(), std::chrono::seconds(3600), started);
    if (!ready) {
      std::printf("not ready in an hour: %s\n", (*server)->LogTail(2000).c_str());
      return 1;
    }
    const auto stats = ReadProcStats((*server)->pid());
    first_start_seconds = *ready;
    Print("first start: apply the loaded tail", Format("%.1f s to /readyz", *ready), "(none)",
          std::nullopt,
          Format("%.0f events/s", static_cast<double>(6 * customers_.size()) / *ready) +
              Format("; RSS %.0f MiB", stats.rss_mib) + Format(", peak %.0f MiB", stats.hwm_mib));
    (*server)->Stop(stop_grace_ms);
  }
  auto started = Clock::now();
  auto server = ServerChild::Start(options);
  if (!server.ok()) {
    std::printf("cannot restart chronicle serve: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const double listening = Seconds(started);
  auto ready = WaitReady((*server)->port(), std::chrono::seconds(3600), started);
  if (!ready) return 1;
  const auto loaded = ReadProcStats((*server)->pid());
  Print("restart to /readyz (persisted read models)", Format("%.2f s", *ready), "< 15 s",
        *ready < 15,
        Format("listening after %.2f s", listening) +
            Format("; empty-data restart %.2f s", empty_start_seconds_) +
            Format("; first start (tail applied) %.1f s", first_start_seconds));

  // 7. Memory per customer (before the queries warm anything up).
  const double per_customer =
      (loaded.rss_mib - empty_rss_mib_) * 1024 * 1024 / static_cast<double>(customers_.size());
  Print("resident memory per customer", Format("%.0f B", per_customer), "<= 2048 B",
        per_customer <= 2048,
        Format("RSS %.0f MiB", loaded.rss_mib) + Format(" - empty %.1f MiB", empty_rss_mib_) +
            "; includes its 2 contacts and 3 follow-ups");

  // 4. Queries.
  MeasureQueries((*server)->port());
  // 5. Export.
  MeasureExport(**server);
  (*server)->Stop(stop_grace_ms);
  server->reset();
  // 6. Rebuild.
  MeasureRebuild();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--customers") {
      g_flags.customers = std::stoull(value());
    } else if (arg == "--samples") {
      g_flags.samples = std::stoull(value());
    } else if (arg == "--departments") {
      g_flags.departments = std::stoull(value());
    } else if (arg == "--reps") {
      g_flags.reps = std::stoull(value());
    } else if (arg == "--skip-records-rebuild") {
      g_flags.records_rebuild = false;
    } else {
      std::fprintf(stderr,
                   "usage: chronicle_bench_crm [--customers N] [--samples N] [--departments N] "
                   "[--reps N] [--skip-records-rebuild]\n");
      return 2;
    }
  }
  chronicle::bench::RaiseFileLimit();
  return CrmBench().Run();
}
