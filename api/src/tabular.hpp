#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chronicle/base/result.hpp"

// File formats of exports and imports: CSV (RFC 4180, UTF-8 with BOM) and
// XLSX (libxlsxwriter), written row by row to a file so that memory stays
// flat whatever the row count; and a CSV reader for import bodies.
namespace chronicle::api {

// One cell of an export row. CSV writes `text`; XLSX writes a numeric cell
// for numbers and money (money formatted with 2 places), text otherwise.
struct Cell {
  enum class Kind : std::uint8_t { kText, kNumber, kMoney };

  static Cell Text(std::string text) { return {Kind::kText, std::move(text), 0}; }
  // `text` is what CSV holds ("12500.50" keeps its 2 places); `value` what XLSX holds.
  static Cell Number(double value, std::string text) {
    return {Kind::kNumber, std::move(text), value};
  }
  static Cell Money(double value, std::string text) {
    return {Kind::kMoney, std::move(text), value};
  }

  Kind kind = Kind::kText;
  std::string text;
  double number = 0;
};

// Streams rows to a file. Not thread-safe. Rows are written in the order
// given; the writer never holds more than a buffer's worth of them.
// Destroying an unfinished writer removes the partial file.
class TableWriter {
 public:
  TableWriter() = default;
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;
  virtual ~TableWriter() = default;

  // The column titles: at most once, before any row (bold in XLSX).
  [[nodiscard]] virtual Status AddHeader(std::span<const std::string> titles) = 0;
  // kInternal on a write error; kResourceExhausted past the format's row
  // limit (XLSX: 1,048,576 rows including the header).
  [[nodiscard]] virtual Status AddRow(std::span<const Cell> cells) = 0;
  // Flushes and closes the file; the writer takes no rows afterwards.
  [[nodiscard]] virtual Status Finish() = 0;
};

// CSV: UTF-8 with a BOM (so spreadsheet programs read Chinese right),
// RFC 4180 quoting, CRLF line ends, buffered writes. kInternal when the
// file cannot be created.
Result<std::unique_ptr<TableWriter>> MakeCsvWriter(const std::string& path);

// XLSX in libxlsxwriter's constant-memory mode: each row goes to a
// temporary file in `path`'s directory as soon as the next row starts.
// `sheet_name` is cleaned of the characters Excel refuses ([]:*?/\) and
// cut to 31 characters. kInternal when the workbook cannot be created.
Result<std::unique_ptr<TableWriter>> MakeXlsxWriter(const std::string& path,
                                                    std::string_view sheet_name);

// Reads an RFC 4180 CSV body record by record: an optional UTF-8 BOM, CRLF
// or LF (or CR) line ends, quoted fields holding commas, line breaks and ""
// escapes. Blank lines are skipped. Rows are numbered as imports number
// them: the first record (the header) is row 0, data rows count from 1.
// Errors (kInvalidArgument, "row N (line L): ..."): a quote inside an
// unquoted field, text after a closing quote, a quoted field still open at
// the end, invalid UTF-8. The body must outlive the reader.
class CsvReader {
 public:
  using Row = std::vector<std::string>;

  explicit CsvReader(std::string_view body);

  // The next record into `row`: true, or false at the end of the body.
  Result<bool> Next(Row& row);
  // The row number of the record Next returned last (-1 before the first).
  [[nodiscard]] long row_number() const { return row_ - 1; }

  // Every record, or the first error.
  static Result<std::vector<Row>> ReadAll(std::string_view body);

 private:
  Status Error(std::size_t line, const std::string& message) const;

  std::string_view body_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;  // of body_[pos_]
  long row_ = 0;          // records returned so far
};

}  // namespace chronicle::api
