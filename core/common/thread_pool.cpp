#include "core/common/thread_pool.hpp"

#include <cstdint>

namespace pretrainlab {

ThreadPool::ThreadPool(unsigned threads) {
    for (unsigned i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::work(unsigned index) {
    std::uint64_t seen = 0;
    while (true) {
        const std::function<void(unsigned)>* task = nullptr;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
            if (index >= tasks_) continue;
            task = task_;
        }
        try {
            (*task)(index);
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            if (--pending_ == 0) done_.notify_one();
        }
    }
}

void ThreadPool::run(unsigned n, const std::function<void(unsigned)>& task) {
    if (n == 0) return;
    if (n > 1) {
        std::lock_guard lock(mutex_);
        task_ = &task;
        tasks_ = n;
        pending_ = n - 1;
        failure_ = nullptr;
        ++generation_;
    }
    if (n > 1) wake_.notify_all();
    std::exception_ptr own;
    try {
        task(0);
    } catch (...) {
        own = std::current_exception();
    }
    if (n > 1) {
        std::unique_lock lock(mutex_);
        done_.wait(lock, [&] { return pending_ == 0; });
        if (!own) own = failure_;
        task_ = nullptr;
    }
    if (own) std::rethrow_exception(own);
}

}  // namespace pretrainlab
