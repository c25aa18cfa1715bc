// A line chart over time (uPlot on a canvas) as wide as its box. A canvas
// is not read by screen readers: the chart is an image with a label, and
// the page shows the same numbers in a table next to it. Series differ by
// dash as well as colour, and the legend names them in text.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartSeries {
  label: string;
  values: number[];
}

const kStrokes = ['#1f4fbf', '#7a4b00', '#1d6b2f', '#a4161a', '#5b2a86'];
const kDashes: number[][] = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4]];
const kHeight = 260;

// x: times in seconds since 1970 (UTC), one per point of every series.
export function Chart({ label, x, series, months = false }: { label: string; x: number[]; series: ChartSeries[]; months?: boolean }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(200, el.clientWidth);
    const axis = { stroke: '#4a5260', grid: { stroke: '#e3e6eb', width: 1 }, ticks: { stroke: '#d5d9e0', width: 1 } };
    // The dates on the x axis in the app's one form ("2026-03-02", a month "2026-03").
    const xAxis = {
      ...axis,
      space: 90,
      values: (_u: uPlot, splits: number[]) =>
        splits.map((t) => new Date(t * 1000).toISOString().slice(0, months ? 7 : 10)),
    };
    const opts: uPlot.Options = {
      width: width(),
      height: kHeight,
      legend: { show: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [xAxis, { ...axis, size: 50 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: kStrokes[i % kStrokes.length],
          dash: kDashes[i % kDashes.length],
          width: 2,
          points: { show: true, size: 5 },
        })),
      ],
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() => {
      if (plot.width !== width()) plot.setSize({ width: width(), height: kHeight });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, months]);

  return (
    <figure class="chart">
      <div ref={box} class="chart-box" role="img" aria-label={label} />
      <figcaption>
        <ul class="chart-legend">
          {series.map((s, i) => (
            <li key={s.label}>
              <span class={`swatch swatch-${i % kStrokes.length}`} aria-hidden="true" />
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
