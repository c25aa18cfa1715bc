// Figures as people read them; one locale so tests and screens agree.
const kCount = new Intl.NumberFormat('en-US');
const kShare = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });
const kDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export const count = (n: number) => kCount.format(n);
export const share = (x: number | null | undefined) => (x === null || x === undefined ? '–' : kShare.format(x));

export function hours(h: number | null | undefined): string {
  if (h === null || h === undefined) return '–';
  if (h < 1) return `${kDecimal.format(h * 60)} min`;
  if (h < 48) return `${kDecimal.format(h)} h`;
  return `${kDecimal.format(h / 24)} days`;
}

export function amount(x: number | null | undefined, unit: string): string {
  if (x === null || x === undefined) return '–';
  if (unit === 'currency') return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }).format(x);
  if (unit === 'minutes') return `${kDecimal.format(x)} min`;
  return kDecimal.format(x);
}

// "2026-03-16T10:30:00.000Z" -> "2026-03-16 10:30 UTC" (with seconds:
// "... 10:30:00 UTC"): one form on every screen, whatever the browser's
// zone; '–' for none.
export function utc(iso: string | null | undefined, seconds = false): string {
  if (!iso) return '–';
  return iso.slice(0, 10) + ' ' + iso.slice(11, seconds ? 19 : 16) + ' UTC';
}

// The UTC date `offset` days from `today` (negative: before), "YYYY-MM-DD".
export const dayFrom = (offset: number, today = new Date()) =>
  new Date(today.getTime() + offset * 86400000).toISOString().slice(0, 10);

// "captured" -> "Captured", "rejected:no_budget" -> "rejected: no budget"
export const label = (s: string) => s.replaceAll('_', ' ').replace(':', ': ');
export const title = (s: string) => {
  const l = label(s);
  return l.charAt(0).toUpperCase() + l.slice(1);
};
