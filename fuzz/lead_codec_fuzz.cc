// The lead JSON codec on arbitrary bytes: one lead, a bulk body, a campaign,
// a touch and a route's JSON object. A lead that decodes re-encodes (without
// the fields Leadloop sets) and decodes to the same value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/codec.h"
#include "fuzz_check.h"

namespace {

// to_json(lead) without what a caller may not send, as a caller would send it.
leadloop::Json capturable(leadloop::Json j) {
  for (const char* key : {"id", "stage", "grade", "owner", "created_at", "updated_at", "last_touch_at",
                          "touch_count", "data_points", "score", "grading", "definition_version", "assigned_at",
                          "first_response_at", "follow_up"}) {
    j.erase(key);
  }
  return j;
}

void round_trip(const leadloop::Lead& lead) {
  const leadloop::Json first = leadloop::to_json(lead);
  const std::string text = leadloop::dump_json(capturable(first));
  auto again = leadloop::parse_lead(text);
  if (!again.ok()) std::fprintf(stderr, "%s\n%s\n", text.c_str(), again.status().to_string().c_str());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(leadloop::to_json(*again) == first);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto lead = leadloop::parse_lead(text); lead.ok()) round_trip(*lead);
  if (auto batch = leadloop::parse_lead_batch(text, 100); batch.ok()) {
    FUZZ_CHECK(batch->size() <= 100);
    for (const auto& lead : *batch) {
      if (lead.ok()) round_trip(*lead);
    }
  }
  (void)leadloop::parse_campaign(text);
  (void)leadloop::parse_touch(text);
  if (auto object = leadloop::parse_json_object(text); object.ok()) FUZZ_CHECK(object->is_object());
  return 0;
}
