// A secret key kept in the database's settings (hex), made once from the
// system's random source the first time it is asked for. Every process on
// the database reads the same key: when two race to make it,
// Store::put_setting_once keeps the first. Thread-safe as the Store is.
#pragma once

#include <string>
#include <string_view>

#include "domain/status.h"
#include "store/store.h"

namespace leadloop {

// The `bytes`-long key stored under `setting`; kInternal naming `what`
// (e.g. "the audit key") when the stored text is not such a key.
// REQUIRES: sodium_init() has succeeded.
Result<std::string> database_key(Store& store, std::string_view setting, size_t bytes,
                                 std::string_view what);

}  // namespace leadloop
