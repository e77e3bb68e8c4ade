#include "seed/parallel_chunks.h"

#include <algorithm>

namespace sicoop::seed {

ParallelChunks::ParallelChunks(int64_t count, int threads, std::function<void(int64_t, std::string&)> produce)
    : count_(count), produce_(std::move(produce)) {
  threads = std::max(1, threads);
  slots_.resize(2 * threads);
  ready_.resize(2 * threads, false);
  for (int t = 0; t < threads; ++t) workers_.emplace_back([this] { Work(); });
}

ParallelChunks::~ParallelChunks() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ParallelChunks::Work() {
  const auto window = static_cast<int64_t>(slots_.size());
  while (true) {
    int64_t index;
    std::string buffer;
    {
      std::unique_lock lock(mutex_);
      // A chunk may start only when its slot is free: no more than `window` chunks ahead of the reader.
      changed_.wait(lock, [&] { return stopping_ || next_to_produce_ >= count_ || next_to_produce_ < next_to_take_ + window; });
      if (stopping_ || next_to_produce_ >= count_) return;
      index = next_to_produce_++;
      buffer.swap(slots_[index % window]);
    }
    buffer.clear();
    produce_(index, buffer);
    {
      std::lock_guard lock(mutex_);
      slots_[index % window].swap(buffer);
      ready_[index % window] = true;
    }
    changed_.notify_all();
  }
}

bool ParallelChunks::Next(std::string& chunk) {
  std::unique_lock lock(mutex_);
  if (next_to_take_ >= count_) return false;
  const auto slot = static_cast<size_t>(next_to_take_ % static_cast<int64_t>(slots_.size()));
  changed_.wait(lock, [&] { return ready_[slot]; });
  chunk.swap(slots_[slot]);
  ready_[slot] = false;
  ++next_to_take_;
  lock.unlock();
  changed_.notify_all();
  return true;
}

}  // namespace sicoop::seed
