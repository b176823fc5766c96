#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pretrainlab {

// A fixed set of worker threads that run one indexed task each, together: run(n, task) calls
// task(0) ... task(n-1), task(0) on the calling thread, and returns when all are done. Training
// uses it for its shards, every step, so the threads are made once.
class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }
    // n must not exceed size(). The first exception a task throws is rethrown here.
    void run(unsigned n, const std::function<void(unsigned)>& task);

private:
    void work(unsigned index);

    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    const std::function<void(unsigned)>* task_ = nullptr;
    unsigned tasks_ = 0;
    unsigned pending_ = 0;
    std::uint64_t generation_ = 0;
    bool stopping_ = false;
    std::exception_ptr failure_;
};

}  // namespace pretrainlab
