// A horizontal bar chart in SVG: one bar per row, its name on the left and
// its figure as text at the bar's end, bars below 0 to the left of the zero
// line in another colour. Drawn from the numbers it is given, with no
// script or style of its own (the CSP allows neither inline); the page keeps
// the same numbers in a table, so the chart is an image with a label.
export interface Bar {
  key: string;
  name: string;
  value: number;
  text: string; // the figure as the table shows it
}

const kWidth = 520;
const kNameWidth = 170;
const kTextWidth = 72;
const kRow = 24;
const kBar = 15;

const short = (s: string, n = 24) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

export function BarChart({ label, bars, caption }: { label: string; bars: Bar[]; caption?: string }) {
  if (bars.length === 0) return null;
  const low = Math.min(0, ...bars.map((b) => b.value));
  const high = Math.max(0, ...bars.map((b) => b.value));
  const span = high - low || 1;
  const plot = kWidth - kNameWidth - kTextWidth;
  const xOf = (v: number) => kNameWidth + ((v - low) / span) * plot;
  const zero = xOf(0);
  const height = bars.length * kRow + 4;
  return (
    <figure class="bar-chart" data-chart={label}>
      <svg viewBox={`0 0 ${kWidth} ${height}`} width={kWidth} height={height} role="img" aria-label={`${label}; the table has the numbers`}>
        {bars.map((b, i) => {
          const y = 2 + i * kRow;
          const x = Math.min(zero, xOf(b.value));
          const w = Math.max(1, Math.abs(xOf(b.value) - zero));
          return (
            <g key={b.key} data-bar={b.key}>
              <text class="lbl" x={kNameWidth - 8} y={y + kBar - 3} text-anchor="end">
                {short(b.name)}
              </text>
              <rect class={b.value < 0 ? 'neg' : 'pos'} x={x} y={y} width={w} height={kBar} rx={2} />
              <text class="val" x={Math.max(zero, xOf(b.value)) + 6} y={y + kBar - 3}>
                {b.text}
              </text>
            </g>
          );
        })}
        <line class="axis" x1={zero} x2={zero} y1={0} y2={height} />
      </svg>
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
