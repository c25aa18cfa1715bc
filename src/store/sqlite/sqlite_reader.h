// SqliteStore::Reader: a pooled read connection, handed back to the pool
// when it goes out of scope. Private to the SQLite store's sources.
#pragma once

#include <memory>
#include <mutex>

#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace leadloop {

class SqliteStore::Reader {
 public:
  Reader(SqliteStore* store, std::unique_ptr<sqlite::SqliteDb> db) : store_(store), db_(std::move(db)) {}
  Reader(Reader&& o) noexcept : store_(o.store_), db_(std::move(o.db_)) {}
  Reader& operator=(Reader&&) = delete;
  ~Reader() {
    if (!db_) return;
    std::lock_guard lock(store_->pool_mu_);
    store_->pool_.push_back(std::move(db_));
  }
  sqlite::SqliteDb* operator->() { return db_.get(); }
  sqlite::SqliteDb& operator*() { return *db_; }

 private:
  SqliteStore* store_;
  std::unique_ptr<sqlite::SqliteDb> db_;
};

}  // namespace leadloop
