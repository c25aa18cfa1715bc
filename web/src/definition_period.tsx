// The period of a backtest or an accuracy report: leads captured from `from`
// up to (not including) `to`; either left empty takes the API's default
// (the backtest: the 14 days before now; the accuracy review: the latest of
// 14, 90 or 365 days with an outcome). The period lives in the URL
// (?from=&to=); the fields show the dates the report used.
import { useEffect, useState } from 'preact/hooks';
import { query } from './api';
import { dayFrom, utc } from './format';

export interface Period {
  from: string; // YYYY-MM-DD or ''
  to: string;
}

const kDate = /^\d{4}-\d{2}-\d{2}$/;

export function periodFromUrl(search: string): Period {
  const q = new URLSearchParams(search);
  const take = (k: string) => {
    const v = q.get(k) ?? '';
    return kDate.test(v) ? v : '';
  };
  return { from: take('from'), to: take('to') };
}

export const periodQuery = (p: Period) => query({ from: p.from, to: p.to });

// Keeps the other query parameters of the page (such as ?compare=).
export function setPeriodInUrl(p: Period) {
  const q = new URLSearchParams(location.search);
  for (const k of ['from', 'to'] as const) {
    if (p[k]) q.set(k, p[k]);
    else q.delete(k);
  }
  const s = q.toString();
  history.replaceState(null, '', location.pathname + (s ? '?' + s : '') + location.hash);
}

// The dates a report used, as the fields show them: `to` is not included,
// so a period ending during a day shows the next day.
export function periodOfReport(from: string, to: string): Period {
  const day = (iso: string) => iso.slice(0, 10);
  const end = new Date(to);
  const midnight = end.getUTCHours() + end.getUTCMinutes() + end.getUTCSeconds() + end.getUTCMilliseconds() === 0;
  return { from: day(from), to: midnight ? day(to) : dayFrom(1, end) };
}

const kPresets: { label: string; period: () => Period }[] = [
  { label: 'Last 14 days', period: () => ({ from: dayFrom(-14), to: '' }) },
  { label: 'Last 90 days', period: () => ({ from: dayFrom(-90), to: '' }) },
  { label: 'Last year', period: () => ({ from: dayFrom(-365), to: '' }) },
  { label: 'Everything', period: () => ({ from: '2000-01-01', to: '' }) },
];

export function PeriodPicker({
  id,
  period,
  shown,
  onChange,
}: {
  id: string;
  period: Period;
  shown?: Period; // the dates the report used, for fields left empty
  onChange: (p: Period) => void;
}) {
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to);
  useEffect(() => {
    if (!shown) return;
    if (!period.from) setFrom(shown.from);
    if (!period.to) setTo(shown.to);
  }, [shown?.from, shown?.to]);
  const apply = (p: Period) => {
    setFrom(p.from);
    setTo(p.to);
    onChange(p);
  };
  return (
    <form
      class="period"
      aria-label="Period"
      onSubmit={(e) => {
        e.preventDefault();
        apply({ from, to });
      }}
    >
      <div class="field">
        <label for={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-to`}>To (not included)</label>
        <input id={`${id}-to`} type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit">Apply</button>
      </div>
      <div class="presets" role="group" aria-label="Quick periods">
        {kPresets.map((p) => (
          <button key={p.label} type="button" class="secondary" onClick={() => apply(p.period())}>
            {p.label}
          </button>
        ))}
      </div>
    </form>
  );
}

// "2026-01-01T00:00:00.000Z" .. "2026-12-01T01:09:42.377Z" as the API used it.
export function periodWords(from: string, to: string): string {
  return `Leads captured from ${utc(from)} up to ${utc(to)}`;
}
