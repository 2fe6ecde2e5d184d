// SPDX-License-Identifier: BSD-2-Clause
// connection_pool.cpp - see connection_pool.h.
#include "store/sqlite/connection_pool.h"

#include <utility>

namespace mixtasy::store {

ConnectionPool::ConnectionPool(Opener opener, std::size_t max)
    : opener_(std::move(opener)), max_(max == 0 ? 1 : max) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(std::move(other.db_)) {}

ConnectionPool::Lease::~Lease() {
    if (db_) pool_->give_back(std::move(db_));
}

void ConnectionPool::adopt(std::unique_ptr<sql::Database> db) {
    std::lock_guard lock(mutex_);
    ++open_;
    idle_.push_back(std::move(db));
    returned_.notify_one();
}

void ConnectionPool::give_back(std::unique_ptr<sql::Database> db) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(db));
    returned_.notify_one();
}

sql::Result<ConnectionPool::Lease> ConnectionPool::acquire() {
    {
        std::unique_lock lock(mutex_);
        returned_.wait(lock, [this] { return !idle_.empty() || open_ < max_; });
        if (!idle_.empty()) {
            auto db = std::move(idle_.back());
            idle_.pop_back();
            return Lease(this, std::move(db));
        }
        ++open_;  // reserve the slot, open outside the lock
    }
    auto opened = opener_();
    if (!opened) {
        std::lock_guard lock(mutex_);
        --open_;
        returned_.notify_one();
        return Unexpected{opened.error()};
    }
    return Lease(this, std::move(*opened));
}

}  // namespace mixtasy::store
