#include "tabular.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "sanitizers.hpp"

namespace chronicle::api {
namespace {

namespace fs = std::filesystem;

class TabularTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("chronicle_tabular_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // One member of a zip file, through unzip(1).
  static std::string Unzip(const std::string& path, const std::string& member) {
    const std::string command = "unzip -p '" + path + "' '" + member + "'";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    if (pipe == nullptr) return {};
    std::string out;
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    EXPECT_EQ(::pclose(pipe), 0) << command;
    return out;
  }

  fs::path dir_;
};

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

const std::vector<std::string> kHeader = {"名称", "金额", "备注"};

TEST_F(TabularTest, CsvRoundTripWithChineseCommasQuotesAndNewlines) {
  const std::vector<std::vector<std::string>> rows = {
      {"华为技术有限公司", "12500.00", "普通"},
      {"Acme, Inc.", "-3.10", "他说 \"你好\""},
      {"多行", "0.00", "第一行\r\n第二行\n第三行"},
      {"", "1", ""},
  };
  const std::string path = Path("out.csv");
  {
    Result<std::unique_ptr<TableWriter>> w = MakeCsvWriter(path);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->AddHeader(kHeader).ok());
    for (const auto& r : rows) {
      std::vector<Cell> cells = {Cell::Text(r[0]), Cell::Money(std::stod(r[1]), r[1]),
                                 Cell::Text(r[2])};
      ASSERT_TRUE((*w)->AddRow(cells).ok());
    }
    ASSERT_TRUE((*w)->Finish().ok());
  }
  const std::string body = Slurp(path);
  ASSERT_TRUE(body.starts_with("\xEF\xBB\xBF")) << "a BOM, so Excel reads UTF-8";
  EXPECT_EQ(body.substr(3, body.find('\n') - 3 + 1), "名称,金额,备注\r\n");
  EXPECT_NE(body.find("\"Acme, Inc.\",-3.10,\"他说 \"\"你好\"\"\"\r\n"), std::string::npos);

  Result<std::vector<CsvReader::Row>> back = CsvReader::ReadAll(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), rows.size() + 1);
  EXPECT_EQ((*back)[0], kHeader);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ((*back)[i + 1], rows[i]) << i;
}

TEST_F(TabularTest, CsvWriterLeavesNoPartialFile) {
  const std::string path = Path("partial.csv");
  {
    Result<std::unique_ptr<TableWriter>> w = MakeCsvWriter(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->AddRow(std::vector<Cell>{Cell::Text("x")}).ok());
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(MakeCsvWriter(Path("no/such/dir.csv")).status().code(), StatusCode::kInternal);
}

TEST(CsvReaderTest, LineEndsBomAndEmptyFields) {
  Result<std::vector<CsvReader::Row>> r = CsvReader::ReadAll("a,b\nc,\n\n,\"\"\r\n\"x\ny\",z");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<CsvReader::Row>{{"a", "b"}, {"c", ""}, {"", ""}, {"x\ny", "z"}}));
  r = CsvReader::ReadAll("\xEF\xBB\xBFname\r\n张三\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (std::vector<CsvReader::Row>{{"name"}, {"张三"}}));
  r = CsvReader::ReadAll("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(CsvReaderTest, BrokenQuotingNamesTheRow) {
  struct Case {
    std::string body;
    std::string where;
  };
  const std::vector<Case> cases = {
      {"name\nok\nab\"c\n", "row 2 (line 3)"},                 // quote inside an unquoted field
      {"name\n\"ok\"x\n", "row 1 (line 2)"},                   // text after the closing quote
      {"name\nok\n\"never closed\nmore\n", "row 2 (line 3)"},  // open at the end
  };
  for (const Case& c : cases) {
    Result<std::vector<CsvReader::Row>> r = CsvReader::ReadAll(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.where), std::string::npos) << r.status().message();
  }
}

TEST(CsvReaderTest, InvalidUtf8NamesTheRow) {
  for (const std::string bad : {"\xff", "\xC0\xAF", "\xED\xA0\x80", "\xE4\xB8"}) {
    Result<std::vector<CsvReader::Row>> r = CsvReader::ReadAll("name\nok\n\"a" + bad + "\"\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("row 2"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("UTF-8"), std::string::npos);
  }
}

TEST(CsvReaderTest, StreamsRowNumbers) {
  CsvReader reader("h\n1\n2\n");
  CsvReader::Row row;
  std::vector<long> numbers;
  while (true) {
    Result<bool> more = reader.Next(row);
    ASSERT_TRUE(more.ok());
    if (!*more) break;
    numbers.push_back(reader.row_number());
  }
  EXPECT_EQ(numbers, (std::vector<long>{0, 1, 2}));
}

TEST_F(TabularTest, XlsxCellsTypedAndHeaderBold) {
  const std::string path = Path("out.xlsx");
  {
    Result<std::unique_ptr<TableWriter>> w = MakeXlsxWriter(path, "客户/导出");
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->AddHeader(kHeader).ok());
    ASSERT_TRUE((*w)->AddRow(std::vector<Cell>{Cell::Text("华为"), Cell::Money(12500.5, "12500.50"),
                                               Cell::Text("A & <B>")})
                    .ok());
    ASSERT_TRUE((*w)->AddRow(std::vector<Cell>{Cell::Text("Acme, Inc."), Cell::Number(42, "42"),
                                               Cell::Text("")})
                    .ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }
  const std::string sheet = Unzip(path, "xl/worksheets/sheet1.xml");
  // Constant-memory mode writes strings inline (no shared string table).
  EXPECT_NE(sheet.find(R"(<c r="A1" s="1" t="inlineStr"><is><t>名称</t></is></c>)"),
            std::string::npos)
      << sheet;
  EXPECT_NE(sheet.find(R"(<c r="A2" t="inlineStr"><is><t>华为</t></is></c>)"), std::string::npos);
  EXPECT_NE(sheet.find(R"(<c r="B2" s="2"><v>12500.5</v></c>)"), std::string::npos);
  EXPECT_NE(sheet.find(R"(<t>A &amp; &lt;B&gt;</t>)"), std::string::npos);
  EXPECT_NE(sheet.find(R"(<c r="B3"><v>42</v></c>)"), std::string::npos);
  EXPECT_EQ(sheet.find(R"(r="C3")"), std::string::npos) << "an empty text cell stays blank";
  const std::string styles = Unzip(path, "xl/styles.xml");
  EXPECT_NE(styles.find("<b/>"), std::string::npos);
  EXPECT_NE(styles.find(R"(formatCode="0.00")"), std::string::npos);
  const std::string workbook = Unzip(path, "xl/workbook.xml");
  EXPECT_NE(workbook.find(R"(name="客户_导出")"), std::string::npos) << workbook;
}

TEST_F(TabularTest, XlsxTwoHundredThousandRowsInFlatMemory) {
  if (chronicle::testing::kAddressSanitizer) GTEST_SKIP() << "memory is not measurable under ASan";
  const std::string path = Path("big.xlsx");
  Result<std::unique_ptr<TableWriter>> w = MakeXlsxWriter(path, "big");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AddHeader(kHeader).ok());
  std::vector<Cell> cells(3);
  const long before = PeakRssKb();
  ASSERT_GT(before, 0);
  constexpr int kRows = 200'000;
  for (int i = 0; i < kRows; ++i) {
    cells[0] = Cell::Text("客户名称 " + std::to_string(i));
    cells[1] = Cell::Money(i + 0.5, std::to_string(i) + ".50");
    cells[2] = Cell::Text("备注：第 " + std::to_string(i) + " 行，用于测试内存是否平稳");
    ASSERT_TRUE((*w)->AddRow(cells).ok()) << i;
  }
  ASSERT_TRUE((*w)->Finish().ok());
  const long growth_kb = PeakRssKb() - before;
  // 200k rows held in memory would take well over 50 MB; streaming stays near the zip buffers.
  EXPECT_LT(growth_kb, 16 * 1024) << "peak RSS grew by " << growth_kb << " kB";
  EXPECT_GT(fs::file_size(path), 1'000'000U);
  std::cout << "200k-row XLSX: " << fs::file_size(path) << " bytes, peak RSS growth " << growth_kb
            << " kB\n";
  // No temporary files are left beside the export.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1U);
}

TEST_F(TabularTest, CsvTwoHundredThousandRowsInFlatMemory) {
  if (chronicle::testing::kAddressSanitizer) GTEST_SKIP() << "memory is not measurable under ASan";
  const std::string path = Path("big.csv");
  Result<std::unique_ptr<TableWriter>> w = MakeCsvWriter(path);
  ASSERT_TRUE(w.ok());
  const long before = PeakRssKb();
  std::vector<Cell> cells(2);
  for (int i = 0; i < 200'000; ++i) {
    cells[0] = Cell::Text("客户 " + std::to_string(i));
    cells[1] = Cell::Number(i, std::to_string(i));
    ASSERT_TRUE((*w)->AddRow(cells).ok());
  }
  ASSERT_TRUE((*w)->Finish().ok());
  EXPECT_LT(PeakRssKb() - before, 4 * 1024);
  EXPECT_GT(fs::file_size(path), 2'000'000U);
}

}  // namespace
}  // namespace chronicle::api
