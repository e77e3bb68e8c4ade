// Makes chunks of text on worker threads and hands them out in index order, with at most a fixed
// number of chunks in memory: the generator side of a bulk load. What each chunk holds depends only
// on its index, so the output is the same for any number of threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sicoop::seed {

class ParallelChunks {
 public:
  // Calls produce(i, out) for every i in [0, count) on `threads` workers (at least 1); `out` is
  // empty on entry. At most 2 * threads chunks wait to be taken.
  ParallelChunks(int64_t count, int threads, std::function<void(int64_t, std::string&)> produce);
  // Stops the workers, even when not every chunk was taken (an aborted load).
  ~ParallelChunks();

  // Swaps the next chunk into `chunk` (whose old buffer is recycled) and returns true, or returns
  // false after the last one. Call from one thread.
  bool Next(std::string& chunk);

 private:
  void Work();

  const int64_t count_;
  const std::function<void(int64_t, std::string&)> produce_;
  std::vector<std::string> slots_;  // chunk i lives in slots_[i % slots_.size()]
  std::vector<bool> ready_;
  int64_t next_to_produce_ = 0;
  int64_t next_to_take_ = 0;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
};

}  // namespace sicoop::seed
