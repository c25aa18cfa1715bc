// Errors are values. A Status is ok or carries an ErrorCode, a message a user
// can read, and the field (or CSV column) at fault. Result<T> is a T or a
// non-ok Status. Both are plain values; not thread-safe to mutate.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace leadloop {

// Stable codes: their names appear in the API's JSON errors and in CSV error
// reports; integrators match on them. Add new codes at the end.
enum class ErrorCode {
  kOk,
  kInvalidJson,       // body is not JSON
  kInvalidUtf8,       // text is not UTF-8
  kWrongType,         // a field has the wrong JSON type
  kMissingField,      // a required field is absent or empty
  kInvalidValue,      // a field's value breaks a rule (email syntax, range...)
  kUnknownField,      // a field the type does not have
  kUnknownCampaign,   // source_campaign / campaign names no campaign
  kNotFound,          // the addressed record does not exist
  kConflict,          // the record exists already (campaign key)
  kUnauthorized,      // no or bad credentials
  kForbidden,         // credentials lack the right
  kPayloadTooLarge,   // body or batch over the limit
  kUnsupportedMediaType,
  kSchemaTooNew,      // database written by a newer Leadloop
  kIoError,           // file or database I/O failed
  kInternal,          // a bug
  kInvalidCsv,        // CSV structure broken (unterminated quote...)
  kInvalidTransition, // lifecycle transition not allowed
  kTooManyRequests,   // over the rate limit; retry later
  kBudgetExceeded,    // a request ran past its time or memory budget
};

// "invalid_json", "missing_field", ...
std::string_view error_code_name(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // Prefixes the field path, e.g. "email" -> "leads[3].email" is not done
  // here; callers report indexes separately. This sets the field if empty.
  Status with_field(std::string field) const {
    Status s = *this;
    if (s.field_.empty()) s.field_ = std::move(field);
    return s;
  }

  // "missing_field: email: a lead needs an email, a phone or an external_id"
  std::string to_string() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string field_;
};

// A value or the reason there is none. REQUIRES: a Status given is not ok.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  // On a temporary, the value is moved out, so `for (x : *f())` is safe.
  T value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

#define LEADLOOP_RETURN_IF_ERROR(expr)        \
  do {                                        \
    ::leadloop::Status _st = (expr);          \
    if (!_st.ok()) return _st;                \
  } while (0)

}  // namespace leadloop
