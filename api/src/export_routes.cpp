// Export (CSV/XLSX) and import (CSV) of leads, customers and contacts. Both
// are driven by the entity's field table: a column per table field without
// kNoExport, in table order, headed by its Chinese label, then one per
// custom field. The export streams a list query (TablesProjection::Scan)
// into a temporary file that the HTTP layer sends and removes; the import
// validates every row as a create would and creates through CreateRecord.
#include "export_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "chronicle/base/time.hpp"
#include "chronicle/domain/fields.hpp"
#include "entity_routes.hpp"
#include "problem.hpp"
#include "tabular.hpp"

namespace chronicle::api {
namespace {

using domain::EntitySpec;
using domain::FieldSpec;

constexpr std::string_view kCsvType = "text/csv; charset=utf-8";
constexpr std::string_view kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
constexpr std::size_t kImportChunk = 512;       // rows created before the read models catch up
constexpr std::size_t kImportParallel = 8;      // creates in flight at once (one group commit)
constexpr std::size_t kProgressEvery = 10'000;  // rows between progress log lines
constexpr std::string_view kTempPrefix = "export-";

// One column of an export or import: a table field or a custom field.
struct Column {
  const FieldSpec* field = nullptr;  // borrowed from the table or from Columns::custom_specs
  std::string custom_key;            // set for custom fields
  std::string header;                // the Chinese label the export writes

  [[nodiscard]] bool custom() const { return !custom_key.empty(); }
  // The field's name in bodies and error reports ("custom.KEY" for custom fields).
  [[nodiscard]] std::string path() const {
    return custom() ? "custom." + custom_key : std::string(field->name);
  }
};

// The columns of an entity as of now. Not movable: columns point into the
// custom field specs it owns.
struct Columns {
  std::vector<domain::CustomField> custom;
  std::vector<domain::CustomFieldSpec> custom_specs;
  std::vector<Column> list;

  Columns(ApiContext& ctx, const EntitySpec& spec) {
    if (spec.custom_fields) custom = ctx.tables.CustomFieldsOf(spec.name);
    custom_specs.reserve(custom.size());
    for (const auto& f : custom) custom_specs.emplace_back(f);
    for (const FieldSpec& f : spec.fields) {
      if (f.Has(domain::kNoExport)) continue;
      list.push_back({&f, "", std::string(f.label)});
    }
    for (std::size_t i = 0; i < custom.size(); ++i) {
      list.push_back({&custom_specs[i].spec(), custom[i].key, custom[i].label});
    }
  }
  Columns(const Columns&) = delete;
  Columns& operator=(const Columns&) = delete;
  Columns(Columns&&) = delete;
  Columns& operator=(Columns&&) = delete;
  ~Columns() = default;
};

std::filesystem::path TempDir(const ApiContext& ctx) { return ctx.data_dir / "tmp"; }

// ---- Users by display name --------------------------------------------------

// Owner columns show the user's display name; an import takes the name back
// (or a user id, or a username) when it names exactly one user.
class UserNames {
 public:
  explicit UserNames(const ApiContext& ctx) {
    ctx.records.Read(ctx.directory.users(), [&](const auto& users) {
      for (const auto& [id, view] : users) {
        if (!view.exists()) continue;
        const Json* name = view.snapshot.Find("name");
        const Json* username = view.snapshot.Find("username");
        if (name != nullptr && name->is_string()) {
          names_[id] = name->as_string();
          ids_by_name_.emplace(name->as_string(), id);
        }
        if (username != nullptr && username->is_string()) {
          ids_by_username_[username->as_string()] = id;
        }
      }
    });
  }

  [[nodiscard]] std::string NameOf(const std::string& id) const {
    auto it = names_.find(id);
    return it == names_.end() ? id : it->second;
  }

  // The user `text` names: an id, a username, or a display name that only one user has.
  [[nodiscard]] Result<std::string> Resolve(const std::string& text) const {
    if (names_.contains(text)) return text;
    if (auto it = ids_by_username_.find(text); it != ids_by_username_.end()) return it->second;
    const auto [from, to] = ids_by_name_.equal_range(text);
    if (from == to) return FieldError("owner_id", "no user is called \"" + text + "\"");
    if (std::next(from) != to) {
      return FieldError("owner_id", "several users are called \"" + text + "\": give the user id");
    }
    return from->second;
  }

 private:
  std::unordered_map<std::string, std::string> names_;  // id -> display name
  std::unordered_multimap<std::string, std::string> ids_by_name_;
  std::unordered_map<std::string, std::string> ids_by_username_;
};

bool IsOwnerField(const Column& c) {
  return !c.custom() && c.field->type == domain::FieldType::kUser;
}

// ---- Export -----------------------------------------------------------------

Cell CellOf(const Column& column, const Json& value, const UserNames& users) {
  if (IsOwnerField(column) && value.is_string()) return Cell::Text(users.NameOf(value.as_string()));
  std::string text = domain::FieldText(*column.field, value);
  if (value.is_null()) return Cell::Text(std::move(text));
  switch (column.field->type) {
    case domain::FieldType::kMoney: {
      double number = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec == std::errc() && end == text.data() + text.size()) {
        return Cell::Money(number, std::move(text));
      }
      break;
    }
    case domain::FieldType::kNumber:
      if (value.is_number()) return Cell::Number(value.as_double(), std::move(text));
      break;
    default:
      break;
  }
  return Cell::Text(std::move(text));
}

Result<std::set<std::string, std::less<>>> ParseIds(std::string_view text) {
  std::set<std::string, std::less<>> ids;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view id = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (!id.empty()) ids.emplace(id);
  }
  if (ids.empty()) {
    return InvalidArgumentError("ids must be a comma-separated list of record ids")
        .WithParameter("ids");
  }
  return ids;
}

// "customers-20261125.csv" (the day in UTC).
std::string FileName(const EntitySpec& spec, std::string_view format) {
  std::string day = FormatTimestamp(NowNs()).substr(0, 10);
  std::erase(day, '-');
  return std::string(spec.collection) + "-" + day + "." + std::string(format);
}

Result<Response> Export(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const Request& request = call.request;
  const std::string format(request.Query("format").value_or(""));
  if (format != "csv" && format != "xlsx") {
    return InvalidArgumentError("format must be csv or xlsx, not \"" + format + "\"")
        .WithParameter("format");
  }
  std::optional<std::set<std::string, std::less<>>> ids;
  if (auto raw = request.Query("ids")) {
    CHRONICLE_ASSIGN_OR_RETURN(ids, ParseIds(*raw));
  }
  const std::string narrowing(request.Query("scope").value_or(""));
  CHRONICLE_ASSIGN_OR_RETURN(auto visibility, VisibilityOf(ctx, call.who(), spec, narrowing));

  const Columns columns(ctx, spec);
  const UserNames users(ctx);
  std::error_code ec;
  std::filesystem::create_directories(TempDir(ctx), ec);
  if (ec) return InternalError("cannot create " + TempDir(ctx).string() + ": " + ec.message());
  const std::string path =
      (TempDir(ctx) / (std::string(kTempPrefix) + NewRecordId() + "." + format)).string();
  std::unique_ptr<TableWriter> writer;
  if (format == "csv") {
    CHRONICLE_ASSIGN_OR_RETURN(writer, MakeCsvWriter(path));
  } else {
    CHRONICLE_ASSIGN_OR_RETURN(writer, MakeXlsxWriter(path, spec.label));
  }
  std::vector<std::string> titles;
  titles.reserve(columns.list.size());
  for (const Column& c : columns.list) titles.push_back(c.header);
  CHRONICLE_RETURN_IF_ERROR(writer->AddHeader(titles));

  std::size_t rows = 0;
  std::vector<Cell> cells;
  const Json null;
  Status scanned = ctx.tables.Scan(spec, request.query, visibility, [&](const Json& body) {
    if (ids) {
      const Json* id = body.Find("id");
      if (id == nullptr || !id->is_string() || !ids->contains(id->as_string())) {
        return Status::Ok();
      }
    }
    cells.clear();
    const Json* custom = body.Find("custom");
    for (const Column& c : columns.list) {
      const Json* value = c.custom() ? (custom != nullptr ? custom->Find(c.custom_key) : nullptr)
                                     : body.Find(c.field->name);
      cells.push_back(CellOf(c, value != nullptr ? *value : null, users));
    }
    ++rows;
    return writer->AddRow(cells);
  });
  if (scanned.code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError("too many rows for an XLSX sheet: export as csv")
        .WithParameter("format");
  }
  CHRONICLE_RETURN_IF_ERROR(scanned);
  CHRONICLE_RETURN_IF_ERROR(writer->Finish());
  spdlog::info("export {}: {} rows as {}", spec.collection, rows, format);

  Response r;
  r.content_type = format == "csv" ? kCsvType : kXlsxType;
  r.body_file = path;
  r.SetHeader("Content-Disposition", "attachment; filename=\"" + FileName(spec, format) + "\"");
  return r;
}

// ---- Import -----------------------------------------------------------------

struct RowError {
  long row = 0;
  std::string field;
  std::string message;
};

Result<bool> BoolParameter(const Request& request, std::string_view name) {
  auto raw = request.Query(name);
  if (!raw || *raw == "false" || *raw == "0") return false;
  if (*raw == "true" || *raw == "1") return true;
  return InvalidArgumentError(std::string(name) + " must be true or false")
      .WithParameter(std::string(name));
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whether the body is declared as CSV (text/csv, any parameters).
bool IsCsv(const Request& request) {
  std::string_view type = request.Header("content-type").value_or("");
  type = TrimSpaces(type.substr(0, type.find(';')));
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  return lower == "text/csv";
}

// What one column of an import file feeds; `column` null: a read-only field
// the export writes, ignored on the way back in.
struct ImportColumn {
  const Column* column = nullptr;
};

// Maps the header row: data-dictionary names, custom keys (also as
// custom.KEY) or the labels the export writes. 422 naming an unknown or
// repeated header, or a required field without a column.
Result<std::vector<ImportColumn>> MapHeader(const EntitySpec& spec, const Columns& columns,
                                            const std::vector<std::string>& header) {
  std::vector<ImportColumn> out;
  std::set<const Column*> seen;
  for (const std::string& raw : header) {
    const std::string_view title = TrimSpaces(raw);
    const Column* found = nullptr;
    for (const Column& c : columns.list) {
      if ((!c.custom() && (c.field->name == title || c.field->label == title)) ||
          (c.custom() && (c.custom_key == title || c.path() == title || c.header == title))) {
        found = &c;
        break;
      }
    }
    if (found == nullptr) {
      return FieldError(std::string(title), "unknown column \"" + std::string(title) + "\"");
    }
    if (!seen.insert(found).second) {
      return FieldError(std::string(title),
                        "the column \"" + std::string(title) + "\" is repeated");
    }
    const bool read_only = !found->custom() && (found->field->Has(domain::kReadOnly) ||
                                                found->field->Has(domain::kDerived));
    out.push_back({read_only ? nullptr : found});
  }
  for (const FieldSpec& f : spec.fields) {
    if (!f.Has(domain::kRequired) || f.Has(domain::kNoExport)) continue;
    const bool present = std::any_of(out.begin(), out.end(), [&](const ImportColumn& c) {
      return c.column != nullptr && c.column->field == &f;
    });
    if (!present) {
      return FieldError(std::string(f.name), "the file has no column " + std::string(f.name) +
                                                 " (" + std::string(f.label) +
                                                 "), which is required");
    }
  }
  return out;
}

// One import: the parsed header and what the rows must be checked against.
class Importer {
 public:
  Importer(ApiContext& ctx, const EntitySpec& spec, const Call& call, const Columns& columns,
           std::vector<ImportColumn> header)
      : ctx_(ctx),
        spec_(spec),
        call_(call),
        columns_(columns),
        header_(std::move(header)),
        users_(ctx),
        facts_(FactsFor(ctx, spec)),
        hook_(CreateHookOf(spec)) {}

  // The create body of a data row, or its errors (every cell that does not
  // parse; else the first rule a create would break).
  Result<Json> Prepare(const CsvReader::Row& row, long row_number, std::vector<RowError>& errors) {
    const std::size_t before = errors.size();
    auto fail = [&](const std::string& field, const std::string& message) {
      errors.push_back({row_number, field, message});
    };
    Json body = Json::MakeObject();
    Json custom = Json::MakeObject();
    for (std::size_t i = header_.size(); i < row.size(); ++i) {
      if (!TrimSpaces(row[i]).empty()) {
        fail("", "the row has more cells (" + std::to_string(row.size()) + ") than the header (" +
                     std::to_string(header_.size()) + ")");
        break;
      }
    }
    for (std::size_t i = 0; i < header_.size(); ++i) {
      const Column* c = header_[i].column;
      if (c == nullptr) continue;
      const std::string_view text = i < row.size() ? std::string_view(row[i]) : std::string_view();
      if (IsOwnerField(*c)) {
        const std::string_view name = TrimSpaces(text);
        if (name.empty()) continue;
        Result<std::string> user = users_.Resolve(std::string(name));
        if (!user.ok()) {
          fail(c->path(), user.status().message());
        } else {
          body.Set(c->path(), *user);
        }
        continue;
      }
      Result<Json> value = domain::ParseFieldText(*c->field, text);
      if (!value.ok()) {
        fail(c->path(), value.status().message());
      } else if (!value->is_null()) {
        if (c->custom()) {
          custom.Set(c->custom_key, std::move(value).value());
        } else {
          body.Set(c->path(), std::move(value).value());
        }
      }
    }
    if (errors.size() != before) return InvalidArgumentError("the row has errors");
    if (!custom.as_object().empty()) body.Set("custom", std::move(custom));
    Status checked = Check(body);
    if (!checked.ok()) {
      fail(checked.field().value_or(checked.parameter().value_or("")), checked.message());
      return checked;
    }
    return body;
  }

  // Uniqueness within the file: the first row with a value keeps it.
  Status CheckFileUnique(const Json& body, long row_number) {
    const Json* custom = body.Find("custom");
    for (const Column& c : columns_.list) {
      if (!c.field->Has(domain::kUnique)) continue;
      const Json* v = c.custom() ? (custom != nullptr ? custom->Find(c.custom_key) : nullptr)
                                 : body.Find(c.field->name);
      if (v == nullptr || !v->is_string()) continue;
      auto [it, fresh] =
          unique_[c.path()].emplace(domain::FoldForCompare(v->as_string()), row_number);
      if (!fresh) {
        return AlreadyExistsError("\"" + v->as_string() + "\" is also in row " +
                                  std::to_string(it->second) + " of the file")
            .WithField(c.path());
      }
    }
    return Status::Ok();
  }

  Result<Created> Create(const Json& body) {
    CHRONICLE_ASSIGN_OR_RETURN(Created created, CreateRecord(ctx_, call_.who(), call_.request,
                                                             spec_, body, Json::MakeObject()));
    if (hook_ != nullptr && hook_->after) {
      CHRONICLE_ASSIGN_OR_RETURN(created.outcome.position,
                                 hook_->after(ctx_, call_.who(), call_.request, created.id, body));
    }
    return created;
  }

 private:
  // What a create would check: the owner, the entity's hook, the table.
  Status Check(Json& body) {
    if (const Json* owner = body.Find("owner_id"); owner != nullptr && owner->is_string()) {
      CHRONICLE_RETURN_IF_ERROR(CheckOwner(ctx_, call_.who(), owner->as_string()));
    }
    if (hook_ != nullptr && hook_->before) {
      CHRONICLE_RETURN_IF_ERROR(hook_->before(ctx_, call_.who(), body));
    }
    Json without_owner = body;
    without_owner.Erase("owner_id");
    return domain::ValidateCreate(spec_, columns_.custom, without_owner, facts_, "").status();
  }

  ApiContext& ctx_;
  const EntitySpec& spec_;
  const Call& call_;
  const Columns& columns_;
  std::vector<ImportColumn> header_;
  UserNames users_;
  domain::FieldFacts facts_;
  const CreateHook* hook_;
  std::map<std::string, std::map<std::string, long>> unique_;  // field -> folded -> first row
};

Json ErrorsJson(const std::vector<RowError>& errors) {
  Json out = Json::MakeArray();
  for (const RowError& e : errors) {
    Json item = Json::MakeObject();
    item.Set("row", static_cast<std::int64_t>(e.row));
    item.Set("field", e.field);
    item.Set("message", e.message);
    out.Push(std::move(item));
  }
  return out;
}

Result<Response> Import(ApiContext& ctx, const EntitySpec& spec, const Call& call) {
  const Request& request = call.request;
  if (!IsCsv(request)) {
    return ProblemResponse(415, "unsupported_media_type",
                           "an import takes a text/csv body (UTF-8, header row first)");
  }
  CHRONICLE_ASSIGN_OR_RETURN(const bool dry_run, BoolParameter(request, "dry_run"));
  CHRONICLE_ASSIGN_OR_RETURN(const bool skip_invalid, BoolParameter(request, "skip_invalid"));
  CatchUpReadModels(ctx);

  const Columns columns(ctx, spec);
  CsvReader reader(request.body);
  CsvReader::Row row;
  CHRONICLE_ASSIGN_OR_RETURN(const bool has_header, reader.Next(row));
  if (!has_header) return InvalidArgumentError("the CSV body has no header row");
  CHRONICLE_ASSIGN_OR_RETURN(auto header, MapHeader(spec, columns, row));
  Importer importer(ctx, spec, call, columns, std::move(header));

  // Pass 1: validate every row. Only the numbers of the bad rows are kept,
  // so a large file costs its body and not a parsed copy of it.
  std::vector<RowError> errors;
  std::vector<bool> bad;  // by data row - 1
  std::size_t total = 0;
  while (true) {
    CHRONICLE_ASSIGN_OR_RETURN(const bool more, reader.Next(row));
    if (!more) break;
    ++total;
    const long n = reader.row_number();
    Result<Json> body = importer.Prepare(row, n, errors);
    Status unique = body.ok() ? importer.CheckFileUnique(*body, n) : Status::Ok();
    if (!unique.ok()) errors.push_back({n, unique.field().value_or(""), unique.message()});
    bad.push_back(!body.ok() || !unique.ok());
    if (total % kProgressEvery == 0) {
      spdlog::info("import {}: {} rows checked", spec.collection, total);
    }
  }
  const auto valid = static_cast<std::size_t>(std::count(bad.begin(), bad.end(), false));

  // Pass 2: create the valid rows (all of them, or none while a row is bad
  // and skip_invalid is off).
  std::size_t imported = 0;
  std::uint64_t last_position = 0;
  if (!dry_run && (errors.empty() || skip_invalid) && valid > 0) {
    CsvReader again(request.body);
    CHRONICLE_RETURN_IF_ERROR(again.Next(row).status());  // the header
    // Rows are created in chunks, several at a time: concurrent appends
    // share the log's group commit (one fsync for many rows) instead of
    // waiting for one fsync each. Each create is still the command path.
    struct Pending {
      long row;
      Json body;
    };
    std::vector<Pending> chunk;
    std::mutex mu;  // guards errors, imported, last_position while a chunk runs
    auto flush = [&] {
      std::atomic<std::size_t> next{0};
      auto work = [&] {
        for (std::size_t i = next++; i < chunk.size(); i = next++) {
          Result<Created> created = importer.Create(chunk[i].body);
          std::lock_guard lock(mu);
          if (!created.ok()) {
            const Status& st = created.status();
            errors.push_back(
                {chunk[i].row, st.field().value_or(st.parameter().value_or("")),
                 st.code() == StatusCode::kInternal ? "internal error" : st.message()});
            continue;
          }
          ++imported;
          last_position = std::max(last_position, created->outcome.position);
          if (imported % kProgressEvery == 0) {
            spdlog::info("import {}: {} of {} rows imported", spec.collection, imported, valid);
          }
        }
      };
      std::vector<std::thread> threads;
      for (std::size_t t = 1; t < kImportParallel && t < chunk.size(); ++t)
        threads.emplace_back(work);
      work();
      for (auto& t : threads) t.join();
      chunk.clear();
      // Keep the read models (and so uniqueness checks) close behind.
      ctx.runtime.WaitFor(last_position, std::chrono::seconds(30));
    };
    while (true) {
      CHRONICLE_ASSIGN_OR_RETURN(const bool more, again.Next(row));
      if (!more) break;
      const long n = again.row_number();
      if (bad[static_cast<std::size_t>(n - 1)]) continue;
      // The row is checked again as the create runs: the log may have moved.
      Result<Json> body = importer.Prepare(row, n, errors);
      if (!body.ok()) continue;
      chunk.push_back({n, std::move(body).value()});
      if (chunk.size() >= kImportChunk) flush();
    }
    if (!chunk.empty()) flush();
    spdlog::info("import {}: {} rows imported, {} refused", spec.collection, imported,
                 total - imported);
  }
  std::sort(errors.begin(), errors.end(),
            [](const RowError& a, const RowError& b) { return a.row < b.row; });
  Json out = Json::MakeObject();
  out.Set("total", static_cast<std::int64_t>(total));
  out.Set("valid", static_cast<std::int64_t>(valid));
  out.Set("imported", static_cast<std::int64_t>(imported));
  out.Set("errors", ErrorsJson(errors));
  Response r = JsonResponse(200, out);
  if (last_position > 0) r.SetHeader("X-Position", std::to_string(last_position));
  return r;
}

// Exports that never reached a client (a crash between writing and
// sending) are removed when the server starts.
void RemoveStaleExports(const ApiContext& ctx) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(TempDir(ctx), ec)) {
    if (entry.path().filename().string().starts_with(kTempPrefix)) {
      std::error_code ignored;
      std::filesystem::remove(entry.path(), ignored);
    }
  }
}

}  // namespace

void AddExportRoutes(Router& router, ApiContext& ctx) {
  RemoveStaleExports(ctx);
  for (std::string_view name : {"lead", "customer", "contact"}) {
    const EntitySpec* spec = domain::FindEntityByName(name);
    const std::string base = "/api/v1/" + std::string(spec->collection);
    const std::string perm(spec->name);
    router.Add("GET", base + "/export", Access::Permission(perm + ".export"),
               [&ctx, spec](const Call& c) { return Export(ctx, *spec, c); });
    router.Add("POST", base + "/import", Access::Permission(perm + ".import"),
               [&ctx, spec](const Call& c) { return Import(ctx, *spec, c); });
  }
}

}  // namespace chronicle::api
