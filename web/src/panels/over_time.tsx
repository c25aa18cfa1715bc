// Figures over time: leads, qualified, accepted and won per capture week or
// month (GET /api/v1/reports/funnel?by=week|month, cohorts by capture), the
// latest period against the one before it, the same for the filtered period
// against the same length of time before it, a chart and a table in which
// each period stands next to the one before.
import { useMemo, useState } from 'preact/hooks';
import { Chart, ChartSeries } from '../chart';
import { Bucket, count, date, delta, nextStart } from '../format';
import { FunnelReport } from '../reports';
import { TableBox } from '../ui/table';

export type { Bucket } from '../format';

// The steps shown over time, as the campaign page's weekly funnel.
export const kTimeSteps: { stage: string; label: string }[] = [
  { stage: 'captured', label: 'Leads' },
  { stage: 'qualified', label: 'Qualified' },
  { stage: 'accepted', label: 'Accepted' },
  { stage: 'won', label: 'Won' },
];

type Group = FunnelReport['groups'][number];
const reached = (g: Group | undefined, stage: string) => g?.steps.find((s) => s.stage === stage)?.reached ?? 0;

// The filtered period against the one of the same length just before it.
export interface Comparison {
  label: string;
  before: string;
  now: FunnelReport;
  previous: FunnelReport;
}

interface Props {
  by: Bucket;
  onBy: (b: Bucket) => void;
  report: FunnelReport | null;
  problem: string;
  comparison: Comparison | null;
}

export function OverTimePanel({ by: asked, onBy, report, problem, comparison }: Props) {
  const [all, setAll] = useState(false);
  // The figures' own unit: until the answer for a newly chosen one comes,
  // the last answer is shown as what it is.
  const by: Bucket = report?.by === 'month' || report?.by === 'week' ? report.by : asked;
  const groups = report?.groups ?? [];
  const at = useMemo(() => new Map(groups.map((g) => [g.group, g])), [report]);
  // Every period from the first to the last, one without a capture at 0.
  const starts = useMemo(() => {
    const out: string[] = [];
    if (groups.length === 0) return out;
    const last = groups[groups.length - 1].group;
    for (let s = groups[0].group; s <= last && out.length < 1000; s = nextStart(s, by)) out.push(s);
    return out;
  }, [report, by]);
  const { x, series } = useMemo(() => {
    const x = starts.map((s) => Date.parse(s + 'T00:00:00Z') / 1000);
    const series: ChartSeries[] = kTimeSteps.map((t) => ({ label: t.label, values: starts.map((s) => reached(at.get(s), t.stage)) }));
    return { x, series };
  }, [starts]);

  const latest = starts[starts.length - 1];
  const rows = [...starts].reverse();
  const shown = all ? rows : rows.slice(0, 12);
  const word = by === 'week' ? 'week' : 'month';

  return (
    <section class="panel over-time" aria-labelledby="time-h">
      <div class="panel-head">
        <h2 id="time-h">Over time</h2>
        <div class="field inline">
          <label for="f-by">Per</label>
          <select id="f-by" value={asked} onChange={(e) => onBy(e.currentTarget.value as Bucket)}>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </div>
      </div>
      <p class="sub">
        Leads by the {word} they were captured in, and how many of them went on to be qualified, accepted and won.
      </p>
      {problem ? (
        <p role="alert" class="error">
          {problem}
        </p>
      ) : !report ? (
        <p class="loading">Loading…</p>
      ) : starts.length === 0 ? (
        <p>No lead captured in this view.</p>
      ) : (
        <>
          {comparison && (
            <Versus
              id="period"
              heading={`${comparison.label} against ${comparison.before}`}
              now={comparison.now.groups[0]}
              before={comparison.previous.groups[0]}
            />
          )}
          <Versus
            id="latest"
            heading={latestHeading(latest, by)}
            now={at.get(latest)}
            before={at.get(nextStart(latest, by, -1))}
          />
          <Chart
            label={`Chart of leads, qualified, accepted and won per capture ${word} over ${starts.length} ${word}s; the table has the numbers.`}
            x={x}
            series={series}
            months={by === 'month'}
          />
          <TableBox label={`Per ${word}, table`}>
            <table class="time-table">
              <caption class="sr-only">
                Per capture {word}, newest first, each figure with its change from the {word} before
              </caption>
              <thead>
                <tr>
                  <th scope="col">{by === 'week' ? 'Week of' : 'Month'}</th>
                  {kTimeSteps.map((t) => (
                    <th scope="col" class="num" key={t.stage}>
                      {t.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shown.map((s) => {
                  const g = at.get(s);
                  const prev = at.get(nextStart(s, by, -1));
                  return (
                    <tr key={s} data-group={s}>
                      <th scope="row">{by === 'week' ? date(s) : s.slice(0, 7)}</th>
                      {kTimeSteps.map((t) => (
                        <td class="num" key={t.stage} data-stage={t.stage}>
                          <span class="n">{count(reached(g, t.stage))}</span>{' '}
                          <span class="sr-only">change from the {word} before: </span>
                          <span class="d">{delta(reached(g, t.stage) - reached(prev, t.stage))}</span>
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableBox>
          {rows.length > 12 && (
            <button type="button" class="secondary" onClick={() => setAll(!all)} aria-expanded={all}>
              {all ? `Show the latest 12 ${word}s` : `Show all ${rows.length} ${word}s`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

// The figures of one period with their change from the one before.
function Versus({ id, heading, now, before }: { id: string; heading: string; now: Group | undefined; before: Group | undefined }) {
  return (
    <div class="versus" data-versus={id}>
      <h3>{heading}</h3>
      <dl class="figures">
        {kTimeSteps.map((t) => {
          const a = reached(now, t.stage);
          const b = reached(before, t.stage);
          return (
            <div key={t.stage} data-stage={t.stage}>
              <dt>{t.label}</dt>
              <dd>
                <span class="n big">{count(a)}</span>{' '}
                <span class="d">
                  {delta(a - b)} <span class="was">(was {count(b)})</span>
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

// "Week of 2026-09-28 against the week of 2026-09-21", "2026-06 against
// 2026-05"; "(so far)" while the latest period still runs.
function latestHeading(start: string, by: Bucket): string {
  const before = nextStart(start, by, -1);
  const running = nextStart(start, by) > new Date().toISOString().slice(0, 10) ? ' (so far)' : '';
  if (by === 'week') return `Week of ${date(start)}${running} against the week of ${date(before)}`;
  return `${start.slice(0, 7)}${running} against ${before.slice(0, 7)}`;
}
