#include <gtest/gtest.h>

#include <fstream>

#include "chronicle/eventstore/verify.hpp"
#include "event_store_fixture.hpp"
#include "format.hpp"
#include "record_codec.hpp"
#include "rocks_log.hpp"

namespace chronicle::eventstore {
namespace {

using chronicle::testing::MakeEvent;

class CorruptionTest : public chronicle::testing::EventStoreTest {
 protected:
  void SetUp() override {
    EventStoreTest::SetUp();
    for (int i = 0; i < 100; ++i) {
      MustAppend("s" + std::to_string(i % 7), ExpectedVersion::Any(),
                 {MakeEvent("E", R"({"i":)" + std::to_string(i) + "}")});
    }
    store_.reset();
  }

  // Rewrites the stored record at `position` through RocksDB itself.
  void Tamper(std::uint64_t position, const std::function<void(std::string&)>& edit) {
    auto log = RocksLog::Open(dir_.path(), RocksLog::Mode::kReadWrite);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    std::string record;
    auto events = (*log)->ReadRange(position, position, 1);
    ASSERT_TRUE(events.ok());
    RecordedEvent event = (*events)[0];
    Hash previous{};
    if (position > 1) previous = (*(*log)->ReadRange(position - 1, position - 1, 1))[0].hash;
    record = codec::EncodeRecord(event, previous);
    edit(record);
    rocksdb::WriteBatch batch;
    if (record.empty()) {
      batch.Delete((*log)->log_cf(), codec::LogKey(position));
    } else {
      batch.Put((*log)->log_cf(), codec::LogKey(position), record);
    }
    ASSERT_TRUE((*log)->Write(batch, true).ok());
  }

  void ExpectBrokenAt(std::uint64_t position) {
    auto report = VerifyLog(dir_.path());
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), StatusCode::kDataLoss);
    EXPECT_EQ(report.status().message().rfind("position " + std::to_string(position) + ":", 0), 0u)
        << report.status().message();
  }
};

TEST_F(CorruptionTest, IntactLogVerifies) {
  auto report = VerifyLog(dir_.path());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 100u);
  Reopen();
  EXPECT_EQ(report->head_hash, store_->HeadHash());
}

TEST_F(CorruptionTest, FlippedPayloadByteIsNamedByPosition) {
  Tamper(37, [](std::string& r) { r[r.size() - 40] ^= 0x01; });
  ExpectBrokenAt(37);
}

TEST_F(CorruptionTest, FlippedHeaderByteIsNamedByPosition) {
  Tamper(58, [](std::string& r) { r[20] ^= 0x80; });  // inside the version field
  ExpectBrokenAt(58);
}

TEST_F(CorruptionTest, RewrittenRecordWithRecomputedHashBreaksTheChainAfterIt) {
  // A forger who re-hashes the record they edited still breaks its successor.
  auto log = RocksLog::Open(dir_.path(), RocksLog::Mode::kReadWrite);
  ASSERT_TRUE(log.ok());
  RecordedEvent event = (*(*log)->ReadRange(20, 20, 1))[0];
  Hash previous = (*(*log)->ReadRange(19, 19, 1))[0].hash;
  event.payload = R"({"i":"forged"})";
  rocksdb::WriteBatch batch;
  batch.Put((*log)->log_cf(), codec::LogKey(20), codec::EncodeRecord(event, previous));
  ASSERT_TRUE((*log)->Write(batch, true).ok());
  log->reset();
  ExpectBrokenAt(21);
}

TEST_F(CorruptionTest, TruncatedRecordIsNamedByPosition) {
  Tamper(5, [](std::string& r) { r.resize(r.size() / 2); });
  ExpectBrokenAt(5);
}

TEST_F(CorruptionTest, MissingRecordIsAGapNamedByPosition) {
  Tamper(64, [](std::string& r) { r.clear(); });
  ExpectBrokenAt(64);
}

TEST_F(CorruptionTest, ReadsReportABrokenRecordInsteadOfSkippingIt) {
  Tamper(64, [](std::string& r) { r.clear(); });
  Reopen();
  auto events = store_->ReadAll(60, 10);
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(events.status().message().find("position 64"), std::string::npos);
}

TEST_F(CorruptionTest, NewerFormatVersionIsRefusedWithAClearMessage) {
  {
    auto log = RocksLog::Open(dir_.path(), RocksLog::Mode::kReadWrite);
    ASSERT_TRUE(log.ok());
    rocksdb::WriteBatch batch;
    batch.Put(std::string(format::kFormatVersionKey), codec::EncodeU64(format::kFormatVersion + 1));
    ASSERT_TRUE((*log)->Write(batch, true).ok());
  }
  auto opened = EventStore::Open(options_, dir_.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("format version 2"), std::string::npos)
      << opened.status().message();
}

TEST_F(CorruptionTest, CorruptManifestIsDataLoss) {
  std::filesystem::path current = dir_.path() / "CURRENT";
  std::string manifest;
  std::getline(std::ifstream(current), manifest);
  std::ofstream(dir_.path() / manifest, std::ios::trunc) << "garbage";
  auto opened = EventStore::Open(options_, dir_.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss) << opened.status().ToString();
}

TEST_F(CorruptionTest, ForeignDirectoryIsRefused) {
  chronicle::testing::TempDir other;
  std::filesystem::create_directories(other.path());
  std::ofstream(other.path() / "notes.txt") << "not a database";
  auto opened = EventStore::Open(options_, other.path());
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(opened.status().message().find("holds no event log"), std::string::npos);
}

TEST_F(CorruptionTest, SecondOpenOfALiveLogIsUnavailable) {
  Reopen();
  auto second = EventStore::Open(options_, dir_.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace chronicle::eventstore
