// The overview's filters: the report filters of docs/reports.md. They live
// in the page's URL (?campaign=...&region=...), so a view can be reloaded
// and shared.
import { dayFrom } from './format';

export interface Filters {
  period: string; // a preset of kPeriods, or 'custom'
  from: string; // yyyy-mm-dd, custom periods only
  to: string;
  campaign: string;
  channel: string;
  vendor: string;
  region: string;
  owner: string; // a rep's key
  grade: string;
  segment: string;
  by: string; // the overview's figures over time: 'week' or 'month'
}

export const kEmptyFilters: Filters = {
  period: 'all',
  from: '',
  to: '',
  campaign: '',
  channel: '',
  vendor: '',
  region: '',
  owner: '',
  grade: '',
  segment: '',
  by: 'week',
};

export const kPeriods: { key: string; label: string; days: number }[] = [
  { key: 'all', label: 'All time', days: 0 },
  { key: '7d', label: 'Last 7 days', days: 7 },
  { key: '30d', label: 'Last 30 days', days: 30 },
  { key: '90d', label: 'Last 90 days', days: 90 },
  { key: '365d', label: 'Last 12 months', days: 365 },
  { key: 'custom', label: 'Custom dates', days: 0 },
];

export const kGrades = ['hot', 'warm', 'cold', 'unqualified'];

const kKeys = Object.keys(kEmptyFilters) as (keyof Filters)[];

export function filtersFromUrl(search: string): Filters {
  const params = new URLSearchParams(search);
  const f = { ...kEmptyFilters };
  for (const k of kKeys) f[k] = params.get(k) ?? f[k];
  if (!kPeriods.some((p) => p.key === f.period)) f.period = 'all';
  if (f.by !== 'month') f.by = 'week';
  return f;
}

export function filtersToUrl(f: Filters): string {
  const params = new URLSearchParams();
  for (const k of kKeys) if (f[k] && f[k] !== kEmptyFilters[k]) params.set(k, f[k]);
  const s = params.toString();
  return s ? '?' + s : '';
}

// The capture period as the reports take it: from inclusive, to exclusive.
export function periodRange(f: Filters, today = new Date()): { from: string; to: string } {
  if (f.period === 'custom') return { from: f.from, to: f.to };
  const preset = kPeriods.find((p) => p.key === f.period);
  if (!preset || preset.days === 0) return { from: '', to: '' };
  return { from: dayFrom(-preset.days, today), to: '' };
}

// The query string of a report for these filters (with `extra` first).
export function reportQuery(f: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  const { from, to } = periodRange(f);
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  for (const k of ['campaign', 'channel', 'vendor', 'region', 'owner', 'grade', 'segment'] as const) {
    if (f[k].trim()) params.set(k, f[k].trim());
  }
  const s = params.toString();
  return s ? '?' + s : '';
}

// The period of the same length just before the filtered one (for the
// comparison), or null when the filtered period has no start.
export function previousRange(f: Filters, today = new Date()): { from: string; to: string; days: number } | null {
  const { from, to } = periodRange(f, today);
  if (!from) return null;
  const start = Date.parse(from + 'T00:00:00Z');
  const end = to ? Date.parse(to + 'T00:00:00Z') : Date.parse(dayFrom(1, today) + 'T00:00:00Z');
  const preset = kPeriods.find((p) => p.key === f.period);
  const days = f.period !== 'custom' && preset?.days ? preset.days : Math.round((end - start) / 86400000);
  if (!(days > 0)) return null;
  return { from: dayFrom(-days, new Date(start)), to: from, days };
}
