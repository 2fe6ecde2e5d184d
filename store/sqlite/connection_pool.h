// SPDX-License-Identifier: BSD-2-Clause
// connection_pool.h - a bounded set of SQLite connections shared by threads.
//
// SQLite connections must not be used by two threads at once, and opening
// one per call would cost a file open, a schema parse and the PRAGMA setup
// every time.  The pool keeps up to `max` configured connections; acquire()
// hands one out exclusively for the lifetime of the returned Lease, opening a
// new one while fewer than `max` exist and otherwise waiting for a Lease to
// be returned.  A Lease gives its connection back in its destructor.
//
// Guarantees: a connection is used by at most one thread at a time; at most
// `max` connections are ever open; a connection that fails to open is not
// counted.  Concurrency between connections is SQLite's (WAL: readers never
// block, one writer at a time, others wait up to busy_timeout).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/sql.h"

namespace mixtasy::store {

class ConnectionPool {
public:
    using Opener = std::function<sql::Result<std::unique_ptr<sql::Database>>()>;

    ConnectionPool(Opener opener, std::size_t max);
    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    class Lease {
    public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        sql::Database& operator*() const { return *db_; }
        sql::Database* operator->() const { return db_.get(); }

    private:
        friend class ConnectionPool;
        Lease(ConnectionPool* pool, std::unique_ptr<sql::Database> db)
            : pool_(pool), db_(std::move(db)) {}
        ConnectionPool* pool_;
        std::unique_ptr<sql::Database> db_;
    };

    // Adds an already opened connection (the one open_sqlite checked).
    void adopt(std::unique_ptr<sql::Database> db);
    sql::Result<Lease> acquire();

private:
    void give_back(std::unique_ptr<sql::Database> db);

    Opener opener_;
    std::size_t max_;
    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<sql::Database>> idle_;
    std::size_t open_ = 0;  // idle + leased + being opened
};

}  // namespace mixtasy::store
