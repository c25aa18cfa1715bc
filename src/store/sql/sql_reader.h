// SqlStore::Reader: a pooled read connection, handed back to the pool
// when it goes out of scope. Private to the SQL store's sources.
#pragma once

#include <memory>
#include <mutex>

#include "store/sql/sql_db.h"
#include "store/sql/sql_store.h"

namespace leadloop {

class SqlStore::Reader {
 public:
  Reader(SqlStore* store, std::unique_ptr<sql::Db> db) : store_(store), db_(std::move(db)) {}
  Reader(Reader&& o) noexcept : store_(o.store_), db_(std::move(o.db_)) {}
  Reader& operator=(Reader&&) = delete;
  ~Reader() {
    if (!db_) return;
    std::lock_guard lock(store_->pool_mu_);
    store_->pool_.push_back(std::move(db_));
  }
  sql::Db* operator->() { return db_.get(); }
  sql::Db& operator*() { return *db_; }

 private:
  SqlStore* store_;
  std::unique_ptr<sql::Db> db_;
};

}  // namespace leadloop
