// What the campaigns, campaign, goals and leaderboards pages share: the
// report answers they read (docs/reports.md, docs/feedback-links.md), the
// capture period kept in the URL, money as people read it, and a header cell
// that sorts its table.
import { useEffect } from 'preact/hooks';
import { Filters, kEmptyFilters, kPeriods, periodRange } from './filters';

export interface CampaignRow {
  campaign: string;
  name: string;
  channel: string;
  vendor: string | null;
  currency: string;
  leads: number;
  qualified: number;
  grades: { hot: number; warm: number; cold: number };
  accepted: number;
  opportunities: number;
  won: number;
  cost: number;
  cost_per_lead: number | null;
  cost_per_qualified_lead: number | null;
  cost_per_won_deal: number | null;
  qualified_share: number | null;
  touches: number;
  touches_without_lead: number;
  data_points: number;
  attended: number;
  revenue: number | null;
  roi: number | null;
}
export interface CampaignReport {
  campaigns: CampaignRow[];
}

export interface CampaignFacts {
  key: string;
  name: string;
  channel: string;
  owner: string | null;
  vendor: string | null;
  cost: number;
  currency: string;
  starts_on: string | null;
  ends_on: string | null;
  created_at: string;
}

export type AttributionModel = 'first_touch' | 'last_touch' | 'linear';
export const kModels: { key: AttributionModel; label: string }[] = [
  { key: 'first_touch', label: 'First touch' },
  { key: 'last_touch', label: 'Last touch' },
  { key: 'linear', label: 'Linear' },
];
export interface AttributionRow {
  campaign: string;
  deals: number;
  first_touch: number | null;
  last_touch: number | null;
  linear: number | null;
}
export interface AttributionReport {
  revenue: number | null;
  campaigns: AttributionRow[];
}

export interface Feedback {
  campaign: string;
  leads: number;
  answered: number;
  accepted: number;
  rejected: number;
  accepted_share: number | null;
  reject_reasons: { code: string; label: string; count: number; share: number }[];
  outcomes: { working: number; opportunity: number; won: number; lost: number; revenue: number };
  recent: {
    lead: number;
    at: string;
    actor: string;
    on_behalf_of: string | null;
    to: string;
    reason: string | null;
    note: string | null;
  }[];
}

export { problemOf } from './ui/states';
export type { Problem } from './ui/states';

// Money with its currency sign: 12000 -> "$12,000"; null (a vendor's view,
// no cost base) -> "–" (format.ts).
export { money } from './format';

// The capture period: a preset of filters.ts or custom dates, in the URL as
// ?period=30d or ?period=custom&from=2026-01-01&to=2026-04-01.
export { PeriodPicker } from './ui/period';
export type { Period } from './ui/period';
import type { Period } from './ui/period';

export function periodFromUrl(search: string): Period {
  const q = new URLSearchParams(search);
  const period = q.get('period') ?? 'all';
  return {
    period: kPeriods.some((p) => p.key === period) ? period : 'all',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
  };
}

// The report parameters from and to of a period (to exclusive).
export function periodParams(p: Period): { from: string; to: string } {
  const f: Filters = { ...kEmptyFilters, period: p.period, from: p.from, to: p.to };
  return periodRange(f);
}

// Writes these values into the page's URL (others kept; '' or a default
// removes the parameter), without a new history entry.
export function setUrlParams(values: Record<string, string>, defaults: Record<string, string> = {}) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(values)) {
    if (!v || v === defaults[k]) q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

export function periodToUrl(p: Period) {
  const custom = p.period === 'custom';
  setUrlParams({ period: p.period, from: custom ? p.from : '', to: custom ? p.to : '' }, { period: 'all' });
}

export { SortHeader, sortRows, TableBox } from './ui/table';
export type { Sort } from './ui/table';

// Calls `read` when the URL changes under the page (back, forward, a link to
// the same page with other parameters), so the page's state follows its URL.
export function useUrlChanges(read: (search: string) => void) {
  useEffect(() => {
    const on = () => read(location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, [read]);
}
