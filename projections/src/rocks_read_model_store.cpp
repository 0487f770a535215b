#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "chronicle/projections/read_model_store.hpp"

namespace chronicle::projections {
namespace {

// Keys: "P<name>\0d<doc key>" -> document, "P<name>\0c" -> checkpoint (decimal).
std::string Prefix(std::string_view projection) {
  std::string p = "P";
  p.append(projection);
  p.push_back('\0');
  return p;
}

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  if (s.IsCorruption()) return DataLossError(std::string(what) + ": " + s.ToString());
  return UnavailableError(std::string(what) + ": " + s.ToString());
}

class RocksReadModelStore final : public ReadModelStore {
 public:
  explicit RocksReadModelStore(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}
  ~RocksReadModelStore() override { db_->Close().PermitUncheckedError(); }

  Result<Loaded> Load(std::string_view projection) override {
    Loaded loaded;
    CHRONICLE_ASSIGN_OR_RETURN(
        loaded.checkpoint, Scan(projection, [&](std::string_view key, std::string_view document) {
          loaded.documents.emplace_back(key, document);
          return Status::Ok();
        }));
    return loaded;
  }

  Result<std::uint64_t> Scan(std::string_view projection, const DocumentVisitor& visit) override {
    std::uint64_t checkpoint = 0;
    const std::string prefix = Prefix(projection);
    std::string text;
    rocksdb::Status got = db_->Get(rocksdb::ReadOptions(), prefix + "c", &text);
    if (got.ok()) {
      checkpoint = std::stoull(text);
    } else if (!got.IsNotFound()) {
      return FromRocks(got, "reading a read-model checkpoint");
    }
    const std::string docs = prefix + "d";
    std::string end = docs;
    end.back() = 'e';
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper;
    options.readahead_size = 2 << 20;  // one sequential pass
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options));
    for (it->Seek(docs); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      const rocksdb::Slice value = it->value();
      CHRONICLE_RETURN_IF_ERROR(
          visit(std::string_view(key.data() + docs.size(), key.size() - docs.size()),
                std::string_view(value.data(), value.size())));
    }
    CHRONICLE_RETURN_IF_ERROR(FromRocks(it->status(), "reading a read model"));
    return checkpoint;
  }

  Status Commit(std::string_view projection, std::uint64_t checkpoint,
                const DocChanges& changes) override {
    const std::string prefix = Prefix(projection);
    rocksdb::WriteBatch batch;
    for (const auto& key : changes.deletes()) batch.Delete(prefix + "d" + key);
    for (const auto& [key, value] : changes.puts()) batch.Put(prefix + "d" + key, value);
    batch.Put(prefix + "c", std::to_string(checkpoint));
    // No fsync: read models are rebuilt from the (fsynced) log if lost; the
    // WAL still keeps documents and checkpoint together across a crash.
    return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "writing a read model");
  }

  Status Replace(std::string_view projection, std::uint64_t checkpoint,
                 const std::map<std::string, std::string>& documents) override {
    const std::string prefix = Prefix(projection);
    std::string end = prefix;
    end.back() = '\1';
    rocksdb::WriteBatch batch;
    batch.DeleteRange(prefix, end);
    for (const auto& [key, value] : documents) batch.Put(prefix + "d" + key, value);
    batch.Put(prefix + "c", std::to_string(checkpoint));
    CHRONICLE_RETURN_IF_ERROR(
        FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "replacing a read model"));
    // A replacement rewrites the whole model: flush it to a table now rather
    // than let each rebuild's copy pile up in memtables.
    return FromRocks(db_->Flush(rocksdb::FlushOptions()), "flushing a replaced read model");
  }

  Status Drop(std::string_view projection) override {
    const std::string prefix = Prefix(projection);
    std::string end = prefix;
    end.back() = '\1';
    return FromRocks(
        db_->DeleteRange(rocksdb::WriteOptions(), db_->DefaultColumnFamily(), prefix, end),
        "dropping a read model");
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace

Result<std::unique_ptr<ReadModelStore>> ReadModelStore::Open(const std::filesystem::path& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!s.ok()) return FromRocks(s, "opening read models in " + dir.string());
  return std::unique_ptr<ReadModelStore>(
      new RocksReadModelStore(std::unique_ptr<rocksdb::DB>(raw)));
}

}  // namespace chronicle::projections
