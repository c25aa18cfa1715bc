// The expression language on arbitrary bytes: parse, type-check, compile,
// then evaluate and describe on a fixed lead. Compiling is deterministic and
// within the limits.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "definition/expr.h"
#include "domain/limits.h"
#include "fuzz_check.h"

namespace {

leadloop::Lead fixed_lead() {
  leadloop::Lead l;
  l.email = "ana@example.com";
  l.phone = "+4930123456";
  l.first_name = "Ana";
  l.last_name = "Lima";
  l.company = "Acme GmbH";
  l.title = "VP Sales";
  l.industry = "software";
  l.employees = 250;
  l.country = "DE";
  l.region = "emea";
  l.source_campaign = "spring-webinar";
  l.attributes = {{"budget", "50000"}, {"note", "call back"}};
  l.data_points = {{"budget", "confirmed"}, {"timeframe", "60d"}, {"decided", "yes"}};
  l.created_at = 1767225600000;  // 2026-01-01
  l.last_touch_at = 1767830400000;
  l.touch_count = 3;
  l.score = 40;
  return l;
}

leadloop::Campaign fixed_campaign() {
  leadloop::Campaign c;
  c.key = "spring-webinar";
  c.name = "Spring webinar";
  c.vendor = "callcenter-a";
  c.cost_cents = 100000;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const leadloop::Lead lead = fixed_lead();
  static const leadloop::Campaign campaign = fixed_campaign();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = leadloop::Expression::compile(text);
  auto* e = std::get_if<leadloop::Expression>(&compiled);
  if (!e) {
    FUZZ_CHECK(!std::get<leadloop::ExprError>(compiled).message.empty());
    return 0;
  }
  FUZZ_CHECK(text.size() <= leadloop::limits::kMaxExpressionBytes);
  leadloop::LeadContext ctx{&lead, &campaign, 1768435200000};
  const bool first = e->matches(ctx);
  FUZZ_CHECK(e->matches(ctx) == first);
  (void)e->describe_inputs(ctx);
  leadloop::LeadContext bare{&lead, nullptr, 0};
  (void)e->matches(bare);
  // The trimmed source compiles alike.
  auto again = leadloop::Expression::compile(e->source());
  auto* e2 = std::get_if<leadloop::Expression>(&again);
  FUZZ_CHECK(e2 != nullptr);
  FUZZ_CHECK(e2->matches(ctx) == first);
  FUZZ_CHECK(e2->cost() == e->cost());
  return 0;
}
