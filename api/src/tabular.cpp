#include "tabular.hpp"

#include <xlsxwriter.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace chronicle::api {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kCsvBuffer = 1 << 16;
constexpr std::size_t kSheetNameMax = 31;

// Length of the well-formed UTF-8 sequence at text[i] (no overlongs,
// surrogates or code points past U+10FFFF), 0 when it is not one.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

bool ValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// ---- CSV ---------------------------------------------------------------------
class CsvWriter final : public TableWriter {
 public:
  CsvWriter(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {
    buffer_.reserve(kCsvBuffer + 4096);
    buffer_.append(kBom);
  }
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  ~CsvWriter() override {
    if (file_ != nullptr) {
      std::fclose(file_);
      std::error_code ec;
      std::filesystem::remove(path_, ec);  // an unfinished export is no export
    }
  }

  Status AddHeader(std::span<const std::string> titles) override {
    if (rows_ != 0) return InternalError("the CSV header must come first");
    for (std::size_t i = 0; i < titles.size(); ++i) AppendField(i, titles[i]);
    return EndLine();
  }

  Status AddRow(std::span<const Cell> cells) override {
    if (file_ == nullptr) return InternalError("the CSV file is finished");
    for (std::size_t i = 0; i < cells.size(); ++i) AppendField(i, cells[i].text);
    return EndLine();
  }

  Status Finish() override {
    if (file_ == nullptr) return InternalError("the CSV file is finished");
    Status flushed = Flush();
    std::FILE* file = file_;
    file_ = nullptr;
    const bool closed = std::fclose(file) == 0;
    CHRONICLE_RETURN_IF_ERROR(flushed);
    if (!closed) return InternalError("closing " + path_ + ": " + std::strerror(errno));
    return Status::Ok();
  }

 private:
  void AppendField(std::size_t index, std::string_view text) {
    if (index != 0) buffer_ += ',';
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
      buffer_.append(text);
      return;
    }
    buffer_ += '"';
    for (char c : text) {
      if (c == '"') buffer_ += '"';
      buffer_ += c;
    }
    buffer_ += '"';
  }

  Status EndLine() {
    buffer_.append("\r\n");
    ++rows_;
    if (buffer_.size() >= kCsvBuffer) return Flush();
    return Status::Ok();
  }

  Status Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      return InternalError("writing " + path_ + ": " + std::strerror(errno));
    }
    buffer_.clear();
    return Status::Ok();
  }

  std::string path_;
  std::FILE* file_;  // owned; null once finished
  std::string buffer_;
  std::size_t rows_ = 0;
};

// ---- XLSX --------------------------------------------------------------------
Status XlsxError(std::string_view what, lxw_error error) {
  return InternalError(std::string(what) + ": " + lxw_strerror(error));
}

std::string CleanSheetName(std::string_view name) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < name.size() && chars < kSheetNameMax;) {
    const std::size_t n = Utf8SequenceLength(name, i);
    if (n == 0) {
      ++i;
      continue;
    }
    const std::string_view ch = name.substr(i, n);
    out.append(ch.find_first_of("[]:*?/\\") == std::string_view::npos ? ch : "_");
    ++chars;
    i += n;
  }
  // Excel refuses a name that starts or ends with an apostrophe, and an empty one.
  if (!out.empty() && out.front() == '\'') out.front() = '_';
  if (!out.empty() && out.back() == '\'') out.back() = '_';
  return out.empty() ? "Sheet1" : out;
}

class XlsxWriter final : public TableWriter {
 public:
  XlsxWriter(std::string path, std::string tmpdir)
      : path_(std::move(path)), tmpdir_(std::move(tmpdir)) {}
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;
  ~XlsxWriter() override {
    if (workbook_ != nullptr) {
      workbook_close(workbook_);  // frees it (and its temporary files)
      std::error_code ec;
      std::filesystem::remove(path_, ec);
    }
  }

  Status Open(std::string_view sheet_name) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = tmpdir_.empty() ? nullptr : tmpdir_.data();
    options.use_zip64 = LXW_TRUE;
    workbook_ = workbook_new_opt(path_.c_str(), &options);
    if (workbook_ == nullptr) return InternalError("cannot create the workbook " + path_);
    const std::string name = CleanSheetName(sheet_name);
    sheet_ = workbook_add_worksheet(workbook_, name.c_str());
    if (sheet_ == nullptr) return InternalError("cannot add the worksheet " + name);
    bold_ = workbook_add_format(workbook_);
    format_set_bold(bold_);
    money_ = workbook_add_format(workbook_);
    format_set_num_format(money_, "0.00");
    return Status::Ok();
  }

  Status AddHeader(std::span<const std::string> titles) override {
    if (row_ != 0) return InternalError("the XLSX header must come first");
    CHRONICLE_RETURN_IF_ERROR(CheckRow());
    for (std::size_t i = 0; i < titles.size(); ++i) {
      const lxw_error e =
          worksheet_write_string(sheet_, row_, static_cast<lxw_col_t>(i), titles[i].c_str(), bold_);
      if (e != LXW_NO_ERROR) return XlsxError("writing the header", e);
    }
    ++row_;
    return Status::Ok();
  }

  Status AddRow(std::span<const Cell> cells) override {
    CHRONICLE_RETURN_IF_ERROR(CheckRow());
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const Cell& cell = cells[i];
      const auto col = static_cast<lxw_col_t>(i);
      lxw_error e = LXW_NO_ERROR;
      switch (cell.kind) {
        case Cell::Kind::kText:
          // An empty string would be an empty styled cell: leave it blank instead.
          if (!cell.text.empty())
            e = worksheet_write_string(sheet_, row_, col, cell.text.c_str(), nullptr);
          break;
        case Cell::Kind::kNumber:
          e = worksheet_write_number(sheet_, row_, col, cell.number, nullptr);
          break;
        case Cell::Kind::kMoney:
          e = worksheet_write_number(sheet_, row_, col, cell.number, money_);
          break;
      }
      if (e != LXW_NO_ERROR) {
        return XlsxError("writing row " + std::to_string(row_) + " column " + std::to_string(i), e);
      }
    }
    ++row_;
    return Status::Ok();
  }

  Status Finish() override {
    if (workbook_ == nullptr) return InternalError("the XLSX file is finished");
    lxw_workbook* workbook = workbook_;
    workbook_ = nullptr;
    const lxw_error e = workbook_close(workbook);
    if (e != LXW_NO_ERROR) return XlsxError("closing " + path_, e);
    return Status::Ok();
  }

 private:
  Status CheckRow() const {
    if (workbook_ == nullptr) return InternalError("the XLSX file is finished");
    if (row_ >= LXW_ROW_MAX) {
      return ResourceExhaustedError("an XLSX sheet holds at most " + std::to_string(LXW_ROW_MAX) +
                                    " rows");
    }
    return Status::Ok();
  }

  std::string path_;
  std::string tmpdir_;
  lxw_workbook* workbook_ = nullptr;  // owned; null once finished
  lxw_worksheet* sheet_ = nullptr;    // owned by workbook_
  lxw_format* bold_ = nullptr;        // owned by workbook_
  lxw_format* money_ = nullptr;       // owned by workbook_
  lxw_row_t row_ = 0;
};

}  // namespace

Result<std::unique_ptr<TableWriter>> MakeCsvWriter(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return InternalError("cannot create " + path + ": " + std::strerror(errno));
  // The writer buffers whole rows itself: stdio adds no second copy.
  std::setvbuf(file, nullptr, _IONBF, 0);
  return std::unique_ptr<TableWriter>(std::make_unique<CsvWriter>(path, file));
}

Result<std::unique_ptr<TableWriter>> MakeXlsxWriter(const std::string& path,
                                                    std::string_view sheet_name) {
  // Temporary rows go beside the file: /tmp may be memory (tmpfs).
  std::string tmpdir = std::filesystem::path(path).parent_path().string();
  auto writer = std::make_unique<XlsxWriter>(path, std::move(tmpdir));
  CHRONICLE_RETURN_IF_ERROR(writer->Open(sheet_name));
  return std::unique_ptr<TableWriter>(std::move(writer));
}

// ---- CSV reading -------------------------------------------------------------
CsvReader::CsvReader(std::string_view body) : body_(body) {
  if (body_.starts_with(kBom)) pos_ = kBom.size();
}

Status CsvReader::Error(std::size_t line, const std::string& message) const {
  return InvalidArgumentError("CSV row " + std::to_string(row_) + " (line " + std::to_string(line) +
                              "): " + message);
}

Result<bool> CsvReader::Next(Row& row) {
  row.clear();
  // Blank lines are no records.
  while (pos_ < body_.size() && (body_[pos_] == '\n' || body_[pos_] == '\r')) {
    if (body_[pos_] == '\r' && pos_ + 1 < body_.size() && body_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }
  if (pos_ >= body_.size()) return false;
  const std::size_t first_line = line_;
  std::string field;
  while (true) {
    field.clear();
    if (pos_ < body_.size() && body_[pos_] == '"') {
      const std::size_t opened_at = line_;
      ++pos_;
      while (true) {
        if (pos_ >= body_.size()) {
          return Error(opened_at, "a quoted field is not closed");
        }
        const char c = body_[pos_];
        if (c == '"') {
          if (pos_ + 1 < body_.size() && body_[pos_ + 1] == '"') {
            field += '"';
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        if (c == '\n') ++line_;
        field += c;
        ++pos_;
      }
      if (pos_ < body_.size() && body_[pos_] != ',' && body_[pos_] != '\r' && body_[pos_] != '\n') {
        return Error(line_, "text after a closing quote (a quote inside a field is written \"\")");
      }
    } else {
      const std::size_t end = body_.find_first_of(",\r\n\"", pos_);
      const std::size_t stop = end == std::string_view::npos ? body_.size() : end;
      if (stop < body_.size() && body_[stop] == '"') {
        return Error(line_, "a quote inside an unquoted field (quote the whole field)");
      }
      field.assign(body_.substr(pos_, stop - pos_));
      pos_ = stop;
    }
    if (!ValidUtf8(field)) return Error(first_line, "the text is not valid UTF-8");
    row.push_back(std::move(field));
    field = std::string();
    if (pos_ >= body_.size()) break;
    const char c = body_[pos_++];
    if (c == ',') continue;
    if (c == '\r' && pos_ < body_.size() && body_[pos_] == '\n') ++pos_;
    ++line_;
    break;
  }
  ++row_;
  return true;
}

Result<std::vector<CsvReader::Row>> CsvReader::ReadAll(std::string_view body) {
  CsvReader reader(body);
  std::vector<Row> rows;
  Row row;
  while (true) {
    CHRONICLE_ASSIGN_OR_RETURN(const bool more, reader.Next(row));
    if (!more) break;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace chronicle::api
