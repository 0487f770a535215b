// Export (CSV, XLSX) and import (CSV) of the list entities through the real
// server: file contents, Chinese headers and labels, the caller's data
// scope, filters and ids=, and imports that validate every row as a create
// would (dry run, all-or-nothing, skip_invalid, duplicates, round trip).
#include <cstdio>
#include <fstream>

#include "api_fixture.hpp"

namespace chronicle::testing {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A CSV answer as rows of cells (RFC 4180 quoting, CRLF or LF).
std::vector<std::vector<std::string>> ParseCsv(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !row.empty()) {
    row.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

// The value of column `title` in every data row.
std::vector<std::string> ColumnOf(const std::vector<std::vector<std::string>>& rows,
                                  const std::string& title) {
  std::vector<std::string> out;
  if (rows.empty()) return out;
  const auto& header = rows[0];
  const auto at = std::find(header.begin(), header.end(), title) - header.begin();
  for (std::size_t i = 1; i < rows.size(); ++i) {
    out.push_back(static_cast<std::size_t>(at) < rows[i].size() ? rows[i][at] : "");
  }
  return out;
}

bool Has(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// 办公室
//  └─ 销售部: 小张 and 小刘, reps (scope self) who may export and import.
class ExportTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto role = client_->Call(
        admin_, "POST", "/api/v1/roles",
        Obj({{"name", "导出销售"},
             {"permissions",
              Json::Array{"customer.read", "customer.create", "customer.delete", "customer.export",
                          "customer.import", "custom_field.read", "user.read"}},
             {"data_scope", "self"}}));
    ASSERT_EQ(role.status, 201u) << role.body;
    role_ids_["导出销售"] = Id(role);
    sales_ = CreateDepartment("销售部", top_);
    zhang_ = CreateUser("13900000002", "小张", sales_, "导出销售");
    liu_ = CreateUser("13900000003", "小刘", sales_, "导出销售");
    zhang_token_ = client_->Login("13900000002", "Passw0rd!");
    liu_token_ = client_->Login("13900000003", "Passw0rd!");
    client_->set_read_own_writes(true);
    auto def = client_->Call(
        admin_, "POST", "/api/v1/custom-fields",
        Obj({{"entity", "customer"}, {"key", "budget"}, {"label", "预算"}, {"type", "money"}}));
    ASSERT_EQ(def.status, 201u) << def.body;
  }

  std::string Customer(const std::string& token, const Json& body) {
    auto r = client_->Call(token, "POST", "/api/v1/customers", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    return Id(r);
  }

  HttpResult Export(const std::string& token, const std::string& query) {
    return client_->Call(token, "GET", "/api/v1/customers/export?" + query);
  }

  HttpResult Import(const std::string& token, const std::string& query, const std::string& csv) {
    auto r = client_->Send("POST", "/api/v1/customers/import?" + query, csv,
                           {{"Authorization", "Bearer " + token}, {"Content-Type", "text/csv"}});
    if (auto p = r.Header("x-position"); !p.empty()) {
      position_ = std::max<std::uint64_t>(position_, std::stoull(p));
    }
    return r;
  }

  // Customer names the caller's list holds, once the imports are applied.
  std::vector<std::string> Names(const std::string& token) {
    auto r = client_->Call(token, "GET",
                           "/api/v1/customers?limit=500&min_position=" + std::to_string(position_));
    std::vector<std::string> names;
    for (const auto& item : r.json.Find("items")->as_array()) {
      names.push_back(item.Find("name")->as_string());
    }
    return names;
  }

  static std::int64_t Int(const HttpResult& r, const char* field) {
    const Json* v = r.json.Find(field);
    return v != nullptr && v->is_int() ? v->as_int() : -1;
  }

  static const Json::Array& Errors(const HttpResult& r) {
    static const Json::Array kNone;
    const Json* e = r.json.Find("errors");
    return e != nullptr && e->is_array() ? e->as_array() : kNone;
  }

  static std::string ErrorText(const Json& e, const char* key) {
    const Json* v = e.Find(key);
    if (v == nullptr) return "";
    return v->is_string() ? v->as_string() : v->Dump();
  }

  std::string sales_, zhang_, liu_, zhang_token_, liu_token_;
  std::uint64_t position_ = 0;  // the highest X-Position of an import
};

TEST_F(ExportTest, CsvHasBomChineseHeadersLabelsAndOnlyTheCallersRecords) {
  const std::string a = Customer(zhang_token_, Obj({{"name", "上海华成科技"},
                                                    {"level", "a"},
                                                    {"source", "web"},
                                                    {"phone", "021-5555"},
                                                    {"custom", Obj({{"budget", "12500.5"}})}}));
  const std::string b =
      Customer(zhang_token_, Obj({{"name", "杭州远景, \"贸易\""}, {"level", "b"}}));
  Customer(liu_token_, Obj({{"name", "小刘的客户"}, {"level", "a"}}));

  auto r = Export(zhang_token_, "format=csv");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(r.Header("content-disposition").starts_with("attachment; filename=\"customers-"))
      << r.Header("content-disposition");
  EXPECT_TRUE(r.Header("content-disposition").ends_with(".csv\""));
  EXPECT_TRUE(std::string_view(r.body).starts_with(kBom));
  const auto rows = ParseCsv(r.body);
  ASSERT_EQ(rows.size(), 3u) << r.body;
  const auto& header = rows[0];
  EXPECT_EQ(header.front(), "客户名称");
  EXPECT_TRUE(Has(header, "客户级别"));
  EXPECT_TRUE(Has(header, "负责人"));
  EXPECT_EQ(header.back(), "预算");
  EXPECT_FALSE(Has(header, "团队成员")) << "kNoExport fields stay out";
  EXPECT_FALSE(Has(header, "进入公海时间"));
  const auto names = ColumnOf(rows, "客户名称");
  EXPECT_TRUE(Has(names, "上海华成科技"));
  EXPECT_TRUE(Has(names, "杭州远景, \"贸易\""));
  EXPECT_FALSE(Has(names, "小刘的客户")) << "a rep's export holds only the rep's customers";
  const std::size_t first = names[0] == "上海华成科技" ? 1 : 2;
  const auto& row = rows[first];
  auto cell = [&](const std::string& title) {
    return row[std::find(header.begin(), header.end(), title) - header.begin()];
  };
  EXPECT_EQ(cell("客户级别"), "A（重点客户）");
  EXPECT_EQ(cell("客户来源"), "网络");
  EXPECT_EQ(cell("成交状态"), "未成交");
  EXPECT_EQ(cell("负责人"), "小张");
  EXPECT_EQ(cell("锁定"), "否");
  EXPECT_EQ(cell("预算"), "12500.50");

  // The list's filters, and ids=, narrow it; ids never reach past the scope.
  auto filtered = Export(zhang_token_, "format=csv&name.contains=远景");
  ASSERT_EQ(filtered.status, 200u) << filtered.body;
  EXPECT_EQ(ColumnOf(ParseCsv(filtered.body), "客户名称"),
            std::vector<std::string>{"杭州远景, \"贸易\""});
  auto selected = Export(zhang_token_, "format=csv&ids=" + a);
  EXPECT_EQ(ColumnOf(ParseCsv(selected.body), "客户名称"),
            std::vector<std::string>{"上海华成科技"});
  auto search = Export(zhang_token_, "format=csv&q=华成");
  EXPECT_EQ(ColumnOf(ParseCsv(search.body), "客户名称"), std::vector<std::string>{"上海华成科技"});
  auto others = Export(liu_token_, "format=csv&ids=" + a + "," + b);
  ASSERT_EQ(others.status, 200u) << others.body;
  EXPECT_EQ(ParseCsv(others.body).size(), 1u) << "only the header: " << others.body;
  auto everyone = Export(admin_, "format=csv&sort=name");
  EXPECT_EQ(ParseCsv(everyone.body).size(), 4u) << everyone.body;

  auto bad = Export(zhang_token_, "format=pdf");
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(bad.Code(), "bad_request");
  EXPECT_NE(bad.body.find("format"), std::string::npos);
  auto bad_filter = Export(zhang_token_, "format=csv&colour=red");
  EXPECT_EQ(bad_filter.status, 400u) << bad_filter.body;
  EXPECT_EQ(Export(liu_token_, "format=csv").status, 200u);
  // No temporary file is left behind once the answers are sent.
  std::size_t left = 0;
  std::error_code ec;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(dir_.path("data") / "tmp", ec)) {
    ++left;
  }
  EXPECT_EQ(left, 0u);
}

TEST_F(ExportTest, XlsxHoldsTextAndMoneyCells) {
  Customer(
      zhang_token_,
      Obj({{"name", "苏州工业园"}, {"level", "c"}, {"custom", Obj({{"budget", "12500.50"}})}}));
  auto r = Export(zhang_token_, "format=xlsx");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.Header("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_TRUE(r.Header("content-disposition").ends_with(".xlsx\""));
  const auto file = dir_.path("export.xlsx");
  std::ofstream(file, std::ios::binary) << r.body;
  auto unzip = [&](const std::string& member) {
    std::string out;
    FILE* pipe =
        ::popen(("unzip -p '" + file.string() + "' " + member + " 2>/dev/null").c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
    return out;
  };
  const std::string sheet = unzip("xl/worksheets/sheet1.xml");
  ASSERT_FALSE(sheet.empty()) << "not a workbook";
  const std::string strings = sheet + unzip("xl/sharedStrings.xml");
  for (const char* text : {"客户名称", "预算", "苏州工业园", "C（非优先客户）", "小张"}) {
    EXPECT_NE(strings.find(text), std::string::npos) << text << " missing from " << sheet;
  }
  // Money is a number cell, not text.
  EXPECT_NE(sheet.find("<v>12500.5</v>"), std::string::npos) << sheet;
}

TEST_F(ExportTest, DryRunReportsBadRowsAndImportsNothing) {
  const std::string csv =
      "name,level,phone\r\n"
      "南京一号,a,025-1\r\n"
      "南京二号,z,025-2\r\n"
      ",b,025-3\r\n"
      "南京四号,B（普通客户）,025-4\r\n";
  auto r = Import(zhang_token_, "dry_run=true", csv);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Int(r, "total"), 4);
  EXPECT_EQ(Int(r, "valid"), 2);
  EXPECT_EQ(Int(r, "imported"), 0);
  const auto& errors = Errors(r);
  ASSERT_EQ(errors.size(), 2u) << r.body;
  EXPECT_EQ(ErrorText(errors[0], "row"), "2");
  EXPECT_EQ(ErrorText(errors[0], "field"), "level");
  EXPECT_FALSE(ErrorText(errors[0], "message").empty());
  EXPECT_EQ(ErrorText(errors[1], "row"), "3");
  EXPECT_EQ(ErrorText(errors[1], "field"), "name");
  EXPECT_TRUE(Names(zhang_token_).empty());

  // Without skip_invalid, one bad row imports nothing.
  auto strict = Import(zhang_token_, "dry_run=false", csv);
  ASSERT_EQ(strict.status, 200u) << strict.body;
  EXPECT_EQ(Int(strict, "imported"), 0);
  EXPECT_EQ(Errors(strict).size(), 2u);
  EXPECT_TRUE(Names(zhang_token_).empty());

  // With it, the good rows are imported, owned by the caller.
  auto lenient = Import(zhang_token_, "skip_invalid=true", csv);
  ASSERT_EQ(lenient.status, 200u) << lenient.body;
  EXPECT_EQ(Int(lenient, "imported"), 2);
  EXPECT_EQ(Errors(lenient).size(), 2u);
  auto names = Names(zhang_token_);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"南京一号", "南京四号"}));
  EXPECT_TRUE(Names(liu_token_).empty());
}

TEST_F(ExportTest, DuplicatesAgainstRecordsAndWithinTheFileAreReported) {
  Customer(liu_token_, Obj({{"name", "无锡机电"}}));
  const std::string csv = kBom.data() + std::string(
                                            "客户名称,客户级别\n"
                                            "ＷＵＸＩ新材料,a\n"
                                            "无锡机电,b\n"
                                            "wuxi新材料,c\n");
  auto r = Import(zhang_token_, "dry_run=true", csv);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Int(r, "total"), 3);
  EXPECT_EQ(Int(r, "valid"), 1);
  const auto& errors = Errors(r);
  ASSERT_EQ(errors.size(), 2u) << r.body;
  EXPECT_EQ(ErrorText(errors[0], "row"), "2");
  EXPECT_EQ(ErrorText(errors[0], "field"), "name");
  EXPECT_EQ(ErrorText(errors[1], "row"), "3");
  EXPECT_EQ(ErrorText(errors[1], "field"), "name");
  EXPECT_NE(ErrorText(errors[1], "message").find("row 1"), std::string::npos) << r.body;
}

TEST_F(ExportTest, RefusesOtherMediaTypesAndUnknownColumns) {
  auto json =
      client_->Call(zhang_token_, "POST", "/api/v1/customers/import", Obj({{"name", "JSON 客户"}}));
  EXPECT_EQ(json.status, 415u) << json.body;
  EXPECT_EQ(json.Code(), "unsupported_media_type");

  auto unknown = Import(zhang_token_, "", "name,颜色\n常州,红\n");
  EXPECT_EQ(unknown.status, 422u) << unknown.body;
  EXPECT_NE(unknown.body.find("颜色"), std::string::npos);
  auto missing = Import(zhang_token_, "", "level\na\n");
  EXPECT_EQ(missing.status, 422u) << missing.body;
  auto bad_flag = Import(zhang_token_, "dry_run=maybe", "name\n常州\n");
  EXPECT_EQ(bad_flag.status, 400u) << bad_flag.body;
  EXPECT_TRUE(Names(zhang_token_).empty());
  // Reps without the permission are refused before the body is looked at.
  const std::string other = CreateUser("13900000009", "小王", sales_, "销售员");
  const std::string token = client_->Login("13900000009", "Passw0rd!");
  EXPECT_EQ(Import(token, "", "name\n常州\n").status, 403u);
  EXPECT_EQ(Export(token, "format=csv").status, 403u);
}

TEST_F(ExportTest, TheExportImportsBackUnchanged) {
  const std::string a = Customer(zhang_token_, Obj({{"name", "宁波港务"},
                                                    {"level", "a"},
                                                    {"source", "referral"},
                                                    {"industry", "物流"},
                                                    {"remark", "第一行\n第二行, 带逗号"},
                                                    {"custom", Obj({{"budget", "880000"}})}}));
  const std::string b = Customer(zhang_token_, Obj({{"name", "温州鞋业"}, {"level", "c"}}));
  auto file = Export(zhang_token_, "format=csv");
  ASSERT_EQ(file.status, 200u) << file.body;
  for (const auto& id : {a, b}) {
    auto gone = client_->Call(zhang_token_, "DELETE", "/api/v1/customers/" + id);
    ASSERT_EQ(gone.status, 204u) << gone.body;
  }
  auto r = Import(zhang_token_, "", file.body);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(Int(r, "total"), 2);
  EXPECT_EQ(Int(r, "imported"), 2) << r.body;
  EXPECT_TRUE(Errors(r).empty()) << r.body;
  auto list =
      client_->Call(zhang_token_, "GET",
                    "/api/v1/customers?name=宁波港务&min_position=" + std::to_string(position_));
  ASSERT_EQ(list.status, 200u) << list.body;
  const auto& items = list.json.Find("items")->as_array();
  ASSERT_EQ(items.size(), 1u) << list.body;
  const Json& c = items[0];
  EXPECT_NE(c.Find("id")->as_string(), a);
  EXPECT_EQ(c.Find("level")->as_string(), "a");
  EXPECT_EQ(c.Find("source")->as_string(), "referral");
  EXPECT_EQ(c.Find("industry")->as_string(), "物流");
  EXPECT_EQ(c.Find("remark")->as_string(), "第一行\n第二行, 带逗号");
  EXPECT_EQ(c.Find("owner_id")->as_string(), zhang_);
  EXPECT_EQ(c.Find("custom")->Find("budget")->as_string(), "880000.00");
  // And the second export reads as the first did.
  auto again = Export(zhang_token_, "format=csv");
  auto first_rows = ParseCsv(file.body);
  auto second_rows = ParseCsv(again.body);
  auto drop_times = [](std::vector<std::vector<std::string>> rows) {
    const auto at = std::find(rows[0].begin(), rows[0].end(), "获得时间") - rows[0].begin();
    for (auto& row : rows) row.erase(row.begin() + at);
    std::sort(rows.begin() + 1, rows.end());
    return rows;
  };
  EXPECT_EQ(drop_times(first_rows), drop_times(second_rows));
}

}  // namespace
}  // namespace chronicle::testing
