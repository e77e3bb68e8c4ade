// The object lock's logic against an in-memory object store with S3's conditional writes
// (If-None-Match: *, If-Match) and a clock the test moves: taking the lock, finding it held,
// taking over an expired lease (one winner among racing takers), renewals, losing the lock to a
// takeover while frozen, and a release that leaves another run's lock alone. The same lock against
// a real S3 server is in object_lock_s3_test.cc.
#include "storage/object_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <thread>
#include <vector>

#include "common/run_id.h"
#include "storage/run_lock.h"

namespace sicoop::storage {
namespace {

using namespace std::chrono_literals;

constexpr auto kWaitLimit = 20s;  // for anything the test waits on

// One bucket's objects, shared by every client made on it (each one a run, or its renewal thread).
class FakeStore {
 public:
  struct Object {
    std::string body;
    std::string etag;
    int64_t written_at = 0;  // on the store's clock
  };

  // Moves the store's clock, in seconds (object ages are measured on it).
  void Advance(int64_t seconds) {
    std::lock_guard<std::mutex> guard(mutex_);
    now_ += seconds;
  }

  std::optional<Object> Find(const std::string& key) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }

  // Writes an object as another run would have, `age` seconds ago.
  void Plant(const std::string& key, const std::string& body, int64_t age) {
    std::lock_guard<std::mutex> guard(mutex_);
    objects_[key] = {body, EtagOf(body), now_ - age};
  }

  // Runs once, before the next conditional delete is applied (a second taker racing the first).
  void BeforeNextDelete(std::function<void()> action) {
    std::lock_guard<std::mutex> guard(mutex_);
    before_delete_ = std::move(action);
  }

  // Conditional (If-Match) writes wait while held, as those of a frozen process would.
  void HoldRenewals(bool hold) {
    {
      std::lock_guard<std::mutex> guard(mutex_);
      hold_renewals_ = hold;
    }
    changed_.notify_all();
  }
  // Waits until a renewal is held; false when none came within kWaitLimit.
  bool WaitForHeldRenewal() {
    std::unique_lock<std::mutex> guard(mutex_);
    return changed_.wait_for(guard, kWaitLimit, [this] { return renewals_waiting_ > 0; });
  }

  // The next `count` If-Match writes fail as a dropped connection would.
  void FailRenewals(int count) {
    std::lock_guard<std::mutex> guard(mutex_);
    failing_renewals_ = count;
  }

  // The next If-Match write is applied, but its answer is lost (a timeout).
  void LoseNextRenewalAnswer() {
    std::lock_guard<std::mutex> guard(mutex_);
    lose_renewal_answer_ = true;
  }

  // Every write fails as a refused credential would.
  void RefuseWrites() {
    std::lock_guard<std::mutex> guard(mutex_);
    refuse_writes_ = true;
  }

  Result<std::string> Put(const std::string& key, std::string_view body, const Condition& condition) {
    std::unique_lock<std::mutex> guard(mutex_);
    if (refuse_writes_) return Status::Failure("PUT " + key + ": AccessDenied");
    if (condition.kind == Condition::Kind::kIfMatch) {
      ++renewals_waiting_;
      changed_.notify_all();
      changed_.wait(guard, [this] { return !hold_renewals_; });
      --renewals_waiting_;
      if (failing_renewals_ > 0) {
        --failing_renewals_;
        return Status::Failure("PUT " + key + ": connection reset by peer");
      }
    }
    auto it = objects_.find(key);
    if (condition.kind == Condition::Kind::kIfAbsent && it != objects_.end()) {
      return Status::Failure("PUT " + key + ": PreconditionFailed", Status::Reason::kConflict);
    }
    if (condition.kind == Condition::Kind::kIfMatch) {
      if (it == objects_.end()) return Status::Failure("PUT " + key + ": NoSuchKey", Status::Reason::kNotFound);
      if (it->second.etag != condition.etag) {
        return Status::Failure("PUT " + key + ": PreconditionFailed", Status::Reason::kConflict);
      }
    }
    Object& object = objects_[key];
    object = {std::string(body), EtagOf(body), now_};
    if (condition.kind == Condition::Kind::kIfMatch && lose_renewal_answer_) {
      lose_renewal_answer_ = false;
      return Status::Failure("PUT " + key + ": operation timed out");
    }
    return object.etag;
  }

  Result<std::string> Get(const std::string& key, ObjectVersion* version) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return Status::Failure("GET " + key + ": NoSuchKey", Status::Reason::kNotFound);
    if (version != nullptr) *version = {it->second.etag, now_ - it->second.written_at};
    return it->second.body;
  }

  Status Delete(const std::string& key, const Condition& condition) {
    std::function<void()> before;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      before.swap(before_delete_);
    }
    if (before) before();
    std::lock_guard<std::mutex> guard(mutex_);
    if (refuse_writes_) return Status::Failure("DELETE " + key + ": AccessDenied");
    auto it = objects_.find(key);
    if (condition.kind == Condition::Kind::kIfMatch) {
      if (it == objects_.end()) return Status::Failure("DELETE " + key + ": NoSuchKey", Status::Reason::kNotFound);
      if (it->second.etag != condition.etag) {
        return Status::Failure("DELETE " + key + ": PreconditionFailed", Status::Reason::kConflict);
      }
    }
    if (it != objects_.end()) objects_.erase(it);
    return Status::Ok();
  }

 private:
  // Made from the body, as S3 makes an object's ETag (its MD5) when it is written in one piece.
  static std::string EtagOf(std::string_view body) {
    return "\"" + std::to_string(std::hash<std::string_view>{}(body)) + "\"";
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Object> objects_;
  int64_t now_ = 1'000'000;
  std::function<void()> before_delete_;
  bool hold_renewals_ = false;
  int renewals_waiting_ = 0;
  int failing_renewals_ = 0;
  bool lose_renewal_answer_ = false;
  bool refuse_writes_ = false;
};

// An S3Client on a FakeStore: what the lock uses, with S3's conditional semantics.
class FakeS3Client final : public S3Client {
 public:
  explicit FakeS3Client(std::shared_ptr<FakeStore> store) : store_(std::move(store)) {}

  Result<std::string> GetSmall(const std::string&, const std::string& key, ObjectVersion* version) override {
    return store_->Get(key, version);
  }
  Result<std::string> Put(const std::string&, const std::string& key, std::string_view body,
                          const Condition& condition) override {
    return store_->Put(key, body, condition);
  }
  Status Delete(const std::string&, const std::string& key, const Condition& condition) override {
    return store_->Delete(key, condition);
  }

  // Not used by the lock.
  Status CheckBucket(const std::string&, const std::string&) override { return Unused(); }
  Result<std::vector<ObjectInfo>> List(const std::string&, const std::string&) override { return Unused(); }
  Status Get(const std::string&, const std::string&, int64_t, int64_t,
             const std::function<bool(std::string_view)>&) override {
    return Unused();
  }
  Result<int64_t> DeletePrefix(const std::string&, const std::string&) override { return Unused(); }
  Result<std::string> StartUpload(const std::string&, const std::string&) override { return Unused(); }
  Result<std::string> UploadPart(const std::string&, const std::string&, const std::string&, int,
                                 std::string_view) override {
    return Unused();
  }
  Result<std::string> CopyPart(const std::string&, const std::string&, const std::string&, int,
                               const std::string&) override {
    return Unused();
  }
  Status CompleteUpload(const std::string&, const std::string&, const std::string&,
                        const std::vector<std::string>&) override {
    return Unused();
  }
  Status AbortUpload(const std::string&, const std::string&, const std::string&) override { return Unused(); }
  Result<std::vector<std::pair<std::string, std::string>>> ListUploads(const std::string&,
                                                                       const std::string&) override {
    return Unused();
  }

 private:
  static Status Unused() { return Status::Failure("not in the fake store"); }
  std::shared_ptr<FakeStore> store_;
};

constexpr char kBucket[] = "coop";
constexpr char kKey[] = "lake/.sicoop-lake.lock";

// A run on `store`: a lock with a lease of 60 s that renews every `renewal` (by default not within a
// test).
Result<std::unique_ptr<ObjectLock>> Take(const std::shared_ptr<FakeStore>& store,
                                         std::chrono::milliseconds renewal = 30s) {
  return ObjectLock::Acquire(std::make_unique<FakeS3Client>(store), kBucket, "lake", "sicoop-lake",
                             LeaseTimes{60s, renewal});
}

// Waits until `done` holds, at most kWaitLimit; returns whether it did.
bool WaitUntil(const std::function<bool()>& done) {
  const auto limit = std::chrono::steady_clock::now() + kWaitLimit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > limit) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::string DeadRunRecord() {
  return R"({"run_id": "0123456789abcdef0123456789abcdef", "host": "gone-host", "pid": 4242, )"
         R"("since": "2026-01-02T03:04:05Z", "renewal": 7})";
}

TEST(ObjectLockTest, TakesAFreeLockWithItsHolderOnRecordAndReleasesIt) {
  auto store = std::make_shared<FakeStore>();
  {
    auto lock = Take(store);
    ASSERT_TRUE(lock.ok()) << lock.status().message();
    EXPECT_TRUE(std::regex_match((*lock)->run_id(), std::regex("[0-9a-f]{32}"))) << (*lock)->run_id();
    EXPECT_EQ((*lock)->key(), kKey);
    EXPECT_EQ((*lock)->url(), "s3a://coop/lake/.sicoop-lake.lock");
    EXPECT_TRUE((*lock)->Check().ok());
    auto object = store->Find(kKey);
    ASSERT_TRUE(object.has_value());
    EXPECT_NE(object->body.find("\"run_id\": \"" + (*lock)->run_id() + "\""), std::string::npos) << object->body;
    EXPECT_NE(object->body.find("\"host\": \"" + HostName() + "\""), std::string::npos) << object->body;
    EXPECT_NE(object->body.find("\"pid\": " + std::to_string(getpid())), std::string::npos) << object->body;
    EXPECT_TRUE(std::regex_search(object->body, std::regex(R"("since": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")")))
        << object->body;
  }
  EXPECT_FALSE(store->Find(kKey).has_value()) << "the release leaves the lock behind";
  auto again = Take(store);
  EXPECT_TRUE(again.ok()) << again.status().message();
}

TEST(ObjectLockTest, TwoRunsGetTwoRunIds) {
  auto first_store = std::make_shared<FakeStore>();
  auto second_store = std::make_shared<FakeStore>();
  auto first = Take(first_store);
  auto second = Take(second_store);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE((*first)->run_id(), (*second)->run_id());
}

TEST(ObjectLockTest, PrefixesAreFoldersWhateverTheirSlashes) {
  auto store = std::make_shared<FakeStore>();
  for (const auto& [prefix, key] : std::vector<std::pair<std::string, std::string>>{
           {"/lake/", "lake/.out.lock"}, {"a/b", "a/b/.out.lock"}, {"", ".out.lock"}, {"/", ".out.lock"}}) {
    auto lock = ObjectLock::Acquire(std::make_unique<FakeS3Client>(store), kBucket, prefix, "out");
    ASSERT_TRUE(lock.ok()) << prefix << ": " << lock.status().message();
    EXPECT_EQ((*lock)->key(), key) << prefix;
  }
}

TEST(ObjectLockTest, AHeldLockFailsAtOnceNamingItsHolderAndTheWait) {
  auto store = std::make_shared<FakeStore>();
  auto holder = Take(store);
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  store->Advance(20);  // the holder's last renewal, 20 s ago on the store's clock

  auto second = Take(store);
  ASSERT_FALSE(second.ok());
  const std::string& message = second.status().message();
  EXPECT_NE(message.find("s3a://coop/lake is in use by another sicoop run (run " + (*holder)->run_id() +
                         " on host " + HostName() + ", pid " + std::to_string(getpid()) + ", since "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("renewed its lock 20 s ago"), std::string::npos) << message;
  EXPECT_NE(message.find("wait for it to end or stop it"), std::string::npos) << message;
  EXPECT_NE(message.find("its lock s3a://coop/lake/.sicoop-lake.lock lapses when its lease of 60 s ends, in 41 s"),
            std::string::npos)
      << message;
  EXPECT_TRUE((*holder)->Check().ok()) << "a failed attempt does not disturb the holder";
  ASSERT_TRUE(store->Find(kKey).has_value());
  EXPECT_NE(store->Find(kKey)->body.find((*holder)->run_id()), std::string::npos);
}

TEST(ObjectLockTest, ALockAtTheEndOfItsLeaseIsStillHeld) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, DeadRunRecord(), 60);
  auto lock = Take(store);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("(run 0123456789abcdef0123456789abcdef on host gone-host, pid 4242, "
                                         "since 2026-01-02T03:04:05Z; it renewed its lock 60 s ago)"),
            std::string::npos)
      << lock.status().message();
  EXPECT_NE(lock.status().message().find("in 1 s"), std::string::npos) << lock.status().message();
}

TEST(ObjectLockTest, AnExpiredLeaseIsTakenOver) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, DeadRunRecord(), 61);
  auto lock = Take(store);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  auto object = store->Find(kKey);
  ASSERT_TRUE(object.has_value());
  EXPECT_NE(object->body.find((*lock)->run_id()), std::string::npos) << object->body;
  EXPECT_EQ(object->body.find("gone-host"), std::string::npos) << object->body;
  EXPECT_TRUE((*lock)->Check().ok());
}

TEST(ObjectLockTest, AForeignObjectUnderTheLocksNameIsNamedAsSuch) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, "not json", 0);
  auto lock = Take(store);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("holder unknown: its lock object is not sicoop's record"),
            std::string::npos)
      << lock.status().message();
}

TEST(ObjectLockTest, OfTwoRunsTakingOverOneExpiredLeaseOnlyOneWins) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, DeadRunRecord(), 61);
  // The second run reads the same expired lock and removes it and takes the lock between the first
  // one's read and its removal: the first one's removal then finds the lock changed.
  std::optional<Result<std::unique_ptr<ObjectLock>>> second;
  store->BeforeNextDelete([&] { second.emplace(Take(store)); });
  auto first = Take(store);

  ASSERT_TRUE(second.has_value()) << "the race did not happen";
  ASSERT_TRUE(second->ok()) << second->status().message();
  ASSERT_FALSE(first.ok()) << "both runs hold the lock";
  EXPECT_NE(first.status().message().find("in use by another sicoop run (run " + (**second)->run_id()),
            std::string::npos)
      << first.status().message();
  ASSERT_TRUE(store->Find(kKey).has_value());
  EXPECT_NE(store->Find(kKey)->body.find((**second)->run_id()), std::string::npos);
}

TEST(ObjectLockTest, OfManyRunsRacingForOneExpiredLeaseExactlyOneWins) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, DeadRunRecord(), 61);
  constexpr int kRuns = 8;
  std::vector<std::optional<Result<std::unique_ptr<ObjectLock>>>> results(kRuns);
  std::atomic<int> ready = 0;
  std::vector<std::thread> runs;
  for (int i = 0; i < kRuns; ++i) {
    runs.emplace_back([&, i] {
      ++ready;
      while (ready < kRuns) std::this_thread::yield();
      results[i].emplace(Take(store));
    });
  }
  for (auto& run : runs) run.join();
  int winners = 0;
  std::string winner_id;
  for (auto& result : results) {
    ASSERT_TRUE(result.has_value());
    if (result->ok()) {
      ++winners;
      winner_id = (**result)->run_id();
    } else {
      EXPECT_NE(result->status().message().find("in use by another sicoop run"), std::string::npos)
          << result->status().message();
    }
  }
  EXPECT_EQ(winners, 1);
  ASSERT_TRUE(store->Find(kKey).has_value());
  EXPECT_NE(store->Find(kKey)->body.find(winner_id), std::string::npos);
}

TEST(ObjectLockTest, TheHolderRenewsItsLeaseWithANewEtagEachTime) {
  auto store = std::make_shared<FakeStore>();
  auto lock = Take(store, 10ms);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  const std::string first_etag = store->Find(kKey)->etag;
  store->Advance(59);
  ASSERT_TRUE(WaitUntil([&] { return store->Find(kKey)->body.find("\"renewal\": 3") != std::string::npos; }))
      << store->Find(kKey)->body;
  EXPECT_NE(store->Find(kKey)->etag, first_etag);
  EXPECT_NE(store->Find(kKey)->body.find((*lock)->run_id()), std::string::npos);
  // Renewed on the store's clock: another run sees it fresh, not 59 s old.
  store->Advance(59);
  auto second = Take(store);
  ASSERT_FALSE(second.ok()) << "a renewed lock was taken over";
  EXPECT_TRUE((*lock)->Check().ok()) << (*lock)->Check().message();
}

TEST(ObjectLockTest, ATakerThatReadTheLockBeforeARenewalCannotRemoveIt) {
  auto store = std::make_shared<FakeStore>();
  auto holder = Take(store, 10ms);
  ASSERT_TRUE(holder.ok()) << holder.status().message();
  store->HoldRenewals(true);
  ASSERT_TRUE(store->WaitForHeldRenewal());
  store->Advance(61);
  // The taker reads the lock while its renewal is held up; the renewal lands before its removal.
  bool renewed = false;
  store->BeforeNextDelete([&] {
    store->HoldRenewals(false);
    renewed = WaitUntil([&] { return store->Find(kKey)->body.find("\"renewal\": 0}") == std::string::npos; });
  });
  auto taker = Take(store);
  ASSERT_TRUE(renewed) << "the renewal did not land";
  ASSERT_FALSE(taker.ok()) << "a renewed lock was removed by a taker that read it before the renewal";
  EXPECT_NE(taker.status().message().find("in use by another sicoop run (run " + (*holder)->run_id()),
            std::string::npos)
      << taker.status().message();
  EXPECT_TRUE((*holder)->Check().ok()) << (*holder)->Check().message();
}

TEST(ObjectLockTest, TransientRenewalErrorsAreRetriedAtTheNextTick) {
  auto store = std::make_shared<FakeStore>();
  store->FailRenewals(3);
  auto lock = Take(store, 10ms);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  ASSERT_TRUE(WaitUntil([&] { return store->Find(kKey)->body.find("\"renewal\": 5") != std::string::npos; }))
      << store->Find(kKey)->body;
  EXPECT_TRUE((*lock)->Check().ok()) << (*lock)->Check().message();
}

TEST(ObjectLockTest, ARenewalWrittenButUnansweredDoesNotLoseTheLock) {
  auto store = std::make_shared<FakeStore>();
  auto lock = Take(store, 10ms);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  store->LoseNextRenewalAnswer();
  // The next renewal finds its own record under a new ETag, takes that ETag, and renews on.
  ASSERT_TRUE(WaitUntil([&] { return store->Find(kKey)->body.find("\"renewal\": 4") != std::string::npos; }))
      << store->Find(kKey)->body;
  EXPECT_TRUE((*lock)->Check().ok()) << (*lock)->Check().message();
  lock->reset();
  EXPECT_FALSE(store->Find(kKey).has_value()) << "the release did not remove the lock under its new ETag";
}

TEST(ObjectLockTest, CheckFailsWhenRenewalsHaveFailedForMostOfTheLease) {
  auto store = std::make_shared<FakeStore>();
  store->FailRenewals(1'000'000);
  auto lock = ObjectLock::Acquire(std::make_unique<FakeS3Client>(store), kBucket, "lake", "sicoop-lake",
                                  LeaseTimes{1s, 100ms});
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  ASSERT_TRUE(WaitUntil([&] { return !(*lock)->Check().ok(); }));
  const std::string message = (*lock)->Check().message();
  EXPECT_NE(message.find("the lock s3a://coop/lake/.sicoop-lake.lock could not be renewed for "), std::string::npos)
      << message;
  EXPECT_NE(message.find("last error: PUT lake/.sicoop-lake.lock: connection reset by peer"), std::string::npos)
      << message;
  EXPECT_NE(message.find("stops before publishing anything"), std::string::npos) << message;
}

TEST(ObjectLockTest, AHolderFrozenLongerThanItsLeaseLosesTheLockAndLeavesTheTakersLockAlone) {
  auto store = std::make_shared<FakeStore>();
  auto frozen = Take(store, 10ms);
  ASSERT_TRUE(frozen.ok()) << frozen.status().message();
  store->HoldRenewals(true);
  ASSERT_TRUE(store->WaitForHeldRenewal()) << "the holder never tried to renew";
  store->Advance(61);
  auto taker = Take(store);
  store->HoldRenewals(false);
  ASSERT_TRUE(taker.ok()) << taker.status().message();

  ASSERT_TRUE(WaitUntil([&] { return !(*frozen)->Check().ok(); })) << "the frozen holder never noticed";
  const std::string message = (*frozen)->Check().message();
  EXPECT_NE(message.find("the lock s3a://coop/lake/.sicoop-lake.lock is no longer this run's: another sicoop run "
                         "took it over (run " +
                         (*taker)->run_id() + " on host "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("stops before publishing anything"), std::string::npos) << message;
  EXPECT_TRUE((*taker)->Check().ok());

  frozen->reset();  // its release must not remove the taker's lock
  ASSERT_TRUE(store->Find(kKey).has_value()) << "the frozen run's release removed the taker's lock";
  EXPECT_NE(store->Find(kKey)->body.find((*taker)->run_id()), std::string::npos);
}

TEST(ObjectLockTest, ALockRemovedByHandIsLost) {
  auto store = std::make_shared<FakeStore>();
  auto lock = Take(store, 10ms);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  ASSERT_TRUE(store->Delete(kKey, Condition::None()).ok());
  ASSERT_TRUE(WaitUntil([&] { return !(*lock)->Check().ok(); }));
  EXPECT_NE((*lock)->Check().message().find("is no longer this run's: someone removed it"), std::string::npos)
      << (*lock)->Check().message();
}

TEST(ObjectLockTest, ReleaseStopsRenewingAtOnce) {
  auto store = std::make_shared<FakeStore>();
  auto lock = Take(store, 30s);
  ASSERT_TRUE(lock.ok()) << lock.status().message();
  std::atomic<bool> released = false;
  std::thread releaser([&] {
    lock->reset();
    released = true;
  });
  // Bounded far below the renewal interval: the thread is woken, not waited out.
  const bool in_time = WaitUntil([&] { return released.load(); });
  releaser.join();
  EXPECT_TRUE(in_time) << "the release waited for the renewal interval";
  EXPECT_FALSE(store->Find(kKey).has_value());
}

TEST(ObjectLockTest, AStoreThatRefusesTheWriteIsNamedWithTheLock) {
  auto store = std::make_shared<FakeStore>();
  store->RefuseWrites();
  auto lock = Take(store);
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.status().message(),
            "cannot take the lock s3a://coop/lake/.sicoop-lake.lock: PUT lake/.sicoop-lake.lock: AccessDenied");
}

TEST(ObjectLockTest, AnExpiredLockThatCannotBeRemovedIsNamed) {
  auto store = std::make_shared<FakeStore>();
  store->Plant(kKey, DeadRunRecord(), 61);
  store->BeforeNextDelete([&] { store->RefuseWrites(); });
  auto lock = Take(store);
  ASSERT_FALSE(lock.ok());
  EXPECT_NE(lock.status().message().find("cannot remove the expired lock s3a://coop/lake/.sicoop-lake.lock (run "
                                         "0123456789abcdef0123456789abcdef on host gone-host"),
            std::string::npos)
      << lock.status().message();
}


}  // namespace
}  // namespace sicoop::storage
