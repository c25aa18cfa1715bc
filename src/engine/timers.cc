#include "engine/timers.h"

namespace leadloop {

void plan_decay(const Definition* d, Lead& l) {
  l.decay_at.reset();
  if (!d || l.grade != Grade::kWarm || !is_open_stage(l.stage) || d->decay_warm_to_cold_days <= 0) return;
  l.decay_at = l.last_touch_at.value_or(l.created_at) +
               static_cast<TimePoint>(d->decay_warm_to_cold_days) * kMillisPerDay;
}

void start_sla(const Definition* d, Lead& l, TimePoint now) {
  l.assigned_at = now;
  l.first_response_at.reset();
  l.sla_level = 0;
  l.sla_due_at = d ? sla_due(*d, l.grade, now) : std::nullopt;
}

void stop_sla(Lead& l, TimePoint now) {
  if (l.owner.empty()) return;
  if (!l.first_response_at) l.first_response_at = now;
  l.sla_due_at.reset();
  l.sla_level = 0;
}

void clear_owner(Lead& l) {
  l.owner.clear();
  l.assigned_at.reset();
  l.sla_due_at.reset();
  l.sla_level = 0;
}

TimePoint reassign_due(const Definition* d, const Lead& l, TimePoint breached_at) {
  int hours = 0;
  if (d) {
    hours = d->routing.reassign_after_hours;
    if (hours <= 0 && (l.grade == Grade::kHot || l.grade == Grade::kWarm || l.grade == Grade::kCold)) {
      hours = d->sla_hours[ruled_grade_index(l.grade)];
    }
  }
  if (hours <= 0) hours = 24;
  return breached_at + hours * kMillisPerHour;
}

}  // namespace leadloop
