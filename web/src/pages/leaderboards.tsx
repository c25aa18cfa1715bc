// Leaderboards (GET /api/v1/reports/leaderboard, docs/reports.md): vendors,
// campaigns and the vendors' callers ranked by the leads sales accepted,
// reps by conversion, follow-up speed or accepted leads, over a capture
// period kept in the URL.
import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { get, query, Session } from '../api';
import { count, duration, DurationScale, scaleOf, share } from '../format';
import { pathOf } from '../routes';
import { Period, PeriodPicker, periodFromUrl, periodParams, periodToUrl, setUrlParams, useUrlChanges } from '../campaign_shared';
import { Loading, ProblemAlert, useLoad } from '../ui/states';
import { NumCells, NumCol, NumHeaders, TableBox } from '../ui/table';
import { Bar, BarChart } from '../bar_chart';

interface SourceRow {
  vendor?: string;
  campaign?: string;
  leads: number;
  qualified: number;
  accepted: number;
  accepted_share: number | null;
  won: number;
  rank: number;
}
interface CallerRow {
  caller: string;
  vendor: string | null;
  leads: number;
  qualified: number;
  accepted: number;
  accepted_share: number | null;
  won: number;
  rank: number;
}
interface RepRow {
  rep: string;
  team: string | null;
  assigned: number;
  responded: number;
  response: { count: number; median_hours: number | null; p90_hours: number | null };
  sla_breached: number;
  accepted: number;
  won: number;
  conversion: number | null;
  rank: number;
}
interface Board<T> {
  of: string;
  rank_by: string;
  rows: T[];
}

const kRanks = [
  { key: 'conversion', label: 'Conversion' },
  { key: 'speed', label: 'Speed to answer' },
  { key: 'accepted', label: 'Accepted leads' },
];

function rankFromUrl(search: string): string {
  const r = new URLSearchParams(search).get('rank') ?? '';
  return kRanks.some((k) => k.key === r) ? r : 'conversion';
}

interface Data {
  vendors: Board<SourceRow>;
  campaigns: Board<SourceRow>;
  reps: Board<RepRow>;
  // Null for those who may not see it (a sales rep).
  callers: Board<CallerRow> | null;
  names: Map<string, string>;
  // Rep names, for the callers who may list the reps (the sales side).
  repNames: Map<string, string>;
}

// The roles that see the callers' board (the server says the same).
const kCallerBoardRoles = ['admin', 'marketing', 'sales_manager', 'vendor', 'viewer'];

async function load(p: Period, rank: string, withCallers: boolean): Promise<Data> {
  const range = periodParams(p);
  const [vendors, campaigns, reps, callers, list, people] = await Promise.all([
    get<Board<SourceRow>>('/api/v1/reports/leaderboard' + query({ of: 'vendors', ...range })),
    get<Board<SourceRow>>('/api/v1/reports/leaderboard' + query({ of: 'campaigns', ...range })),
    get<Board<RepRow>>('/api/v1/reports/leaderboard' + query({ of: 'reps', rank, ...range })),
    withCallers ? get<Board<CallerRow>>('/api/v1/reports/leaderboard' + query({ of: 'callers', ...range })) : null,
    get<{ campaigns: { key: string; name: string }[] }>('/api/v1/campaigns'),
    get<{ reps: { key: string; name: string }[] }>('/api/v1/reps').catch(() => ({ reps: [] })),
  ]);
  return {
    vendors,
    campaigns,
    reps,
    callers,
    names: new Map(list.campaigns.map((c) => [c.key, c.name])),
    repNames: new Map(people.reps.map((r) => [r.key, r.name])),
  };
}

export function Leaderboards({ session }: { session: Session }) {
  const withCallers = session.roles.some((r) => kCallerBoardRoles.includes(r));
  const [period, setPeriod] = useState<Period>(() => periodFromUrl(location.search));
  const [rank, setRank] = useState(() => rankFromUrl(location.search));
  useUrlChanges(
    useCallback((search: string) => {
      setPeriod((p) => {
        const next = periodFromUrl(search);
        return next.period === p.period && next.from === p.from && next.to === p.to ? p : next;
      });
      setRank(rankFromUrl(search));
    }, []),
  );
  const { data, problem } = useLoad(() => load(period, rank, withCallers), [period, rank, withCallers]);

  const changePeriod = (p: Period) => {
    periodToUrl(p);
    setPeriod(p);
  };
  const changeRank = (r: string) => {
    setUrlParams({ rank: r }, { rank: 'conversion' });
    setRank(r);
  };

  return (
    <>
      <div class="page-head">
        <h1>Leaderboards</h1>
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <PeriodPicker id="lb-period" value={period} onChange={changePeriod} />
        <div class="field">
          <label for="lb-rank">Rank reps by</label>
          <select id="lb-rank" value={rank} onChange={(e) => changeRank(e.currentTarget.value)}>
            {kRanks.map((r) => (
              <option key={r.key} value={r.key}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ProblemAlert problem={problem} />
      {!data && !problem && <Loading>Loading the leaderboards…</Loading>}
      {data && (
        <div class="panels boards">
          <SourceBoard id="vendors" title="Vendors by accepted leads" what="Vendor" board={data.vendors} names={data.names} />
          <SourceBoard id="campaigns" title="Campaigns by accepted leads" what="Campaign" board={data.campaigns} names={data.names} />
          <RepBoard board={data.reps} names={data.repNames} rank={rank} rankLabel={kRanks.find((r) => r.key === rank)!.label} />
          {data.callers && <CallerBoard board={data.callers} />}
        </div>
      )}
    </>
  );
}

const kSourceCols: NumCol<SourceRow>[] = [
  { col: 'accepted', label: 'Accepted', cell: (r) => count(r.accepted) },
  { col: 'leads', label: 'Leads', cell: (r) => count(r.leads) },
  { col: 'qualified', label: 'Qualified', cell: (r) => count(r.qualified) },
  { col: 'accepted_share', label: 'Accepted share', cell: (r) => share(r.accepted_share) },
  { col: 'won', label: 'Won', cell: (r) => count(r.won) },
];

const kCallerCols: NumCol<CallerRow>[] = [
  { col: 'accepted', label: 'Accepted', cell: (r) => count(r.accepted) },
  { col: 'leads', label: 'Leads', cell: (r) => count(r.leads) },
  { col: 'accepted_share', label: 'Acceptance rate', cell: (r) => share(r.accepted_share) },
  { col: 'won', label: 'Won', cell: (r) => count(r.won) },
];

// One duration scale for the whole table (format.ts scaleOf).
const repCols = (scale: DurationScale): NumCol<RepRow>[] => [
  { col: 'conversion', label: 'Conversion', cell: (r) => share(r.conversion) },
  { col: 'median', label: 'Median answer', cell: (r) => duration(r.response.median_hours, scale) },
  { col: 'accepted', label: 'Accepted', cell: (r) => count(r.accepted) },
  { col: 'won', label: 'Won', cell: (r) => count(r.won) },
  { col: 'assigned', label: 'Assigned', cell: (r) => count(r.assigned) },
  { col: 'responded', label: 'Answered', cell: (r) => count(r.responded) },
  { col: 'p90', label: 'p90 answer', cell: (r) => duration(r.response.p90_hours, scale) },
  { col: 'sla_breached', label: 'SLA breaches', cell: (r) => count(r.sla_breached) },
];

function SourceBoard({
  id,
  title,
  what,
  board,
  names,
}: {
  id: string;
  title: string;
  what: string;
  board: Board<SourceRow>;
  names: Map<string, string>;
}) {
  return (
    <section class="panel board" aria-labelledby={id + '-h'} data-board={id}>
      <h2 id={id + '-h'}>{title}</h2>
      {board.rows.length === 0 ? (
        <p>Nobody to rank in this period.</p>
      ) : (
        <>
          <BoardChart
            label={title}
            bars={board.rows.map((r) => {
              const key = r.campaign ?? r.vendor ?? '';
              return { key, name: r.campaign ? (names.get(key) ?? key) : key || 'in-house', value: r.accepted, text: count(r.accepted) };
            })}
          />
          <RankTable
            label={title}
            what={what}
            rows={board.rows}
            cols={kSourceCols}
            rowKey={(r) => r.campaign ?? r.vendor ?? ''}
            who={(r) => {
              const key = r.campaign ?? r.vendor ?? '';
              return r.campaign ? <a href={pathOf('campaign', { key })}>{names.get(key) ?? key}</a> : key || 'in-house';
            }}
          />
        </>
      )}
    </section>
  );
}

function RepBoard({
  board,
  names,
  rank,
  rankLabel,
}: {
  board: Board<RepRow>;
  names: Map<string, string>;
  rank: string;
  rankLabel: string;
}) {
  const scale = scaleOf(board.rows.flatMap((r) => [r.response.median_hours, r.response.p90_hours]));
  const cols = repCols(scale);
  const metric = (r: RepRow): [number | null, string] =>
    rank === 'speed'
      ? [r.response.median_hours, duration(r.response.median_hours, scale)]
      : rank === 'accepted'
        ? [r.accepted, count(r.accepted)]
        : [r.conversion, share(r.conversion)];
  return (
    <section class="panel board reps-board" aria-labelledby="reps-h" data-board="reps">
      <h2 id="reps-h">Reps by {rankLabel.toLowerCase()}</h2>
      <p class="sub">Conversion is won / assigned; speed the median time from capture to the rep's first answer.</p>
      {board.rows.length === 0 ? (
        <p>No lead went to a rep in this period.</p>
      ) : (
        <>
          <BoardChart
            label={`Reps by ${rankLabel.toLowerCase()}`}
            bars={board.rows
              .filter((r) => metric(r)[0] !== null)
              .map((r) => ({ key: r.rep, name: names.get(r.rep) ?? r.rep, value: metric(r)[0]!, text: metric(r)[1] }))}
          />
          <RankTable
            label={`Reps by ${rankLabel.toLowerCase()}`}
            what="Rep"
            rows={board.rows}
            cols={cols}
            rowKey={(r) => r.rep}
            who={(r) => (
              <>
                {names.get(r.rep) ?? r.rep}
                <span class="cell-sub">
                  {names.has(r.rep) ? r.rep : ''}
                  {names.has(r.rep) && r.team ? ' · ' : ''}
                  {r.team ?? ''}
                </span>
              </>
            )}
          />
        </>
      )}
    </section>
  );
}

// The vendors' agents, each named within its vendor: a vendor sees its own.
function CallerBoard({ board }: { board: Board<CallerRow> }) {
  const keyOf = (r: CallerRow) => (r.vendor ?? '') + '/' + r.caller;
  return (
    <section class="panel board" aria-labelledby="callers-h" data-board="callers">
      <h2 id="callers-h">Callers by accepted leads</h2>
      <p class="sub">The vendor's agent who made the call; acceptance rate is accepted / leads.</p>
      {board.rows.length === 0 ? (
        <p>No lead in this period names its caller.</p>
      ) : (
        <>
          <BoardChart
            label="Callers by accepted leads"
            bars={board.rows.map((r) => ({ key: keyOf(r), name: r.caller, value: r.accepted, text: count(r.accepted) }))}
          />
          <RankTable
            label="Callers by accepted leads"
            what="Caller"
            rows={board.rows}
            cols={kCallerCols}
            rowKey={keyOf}
            who={(r) => (
              <>
                {r.caller}
                <span class="cell-sub">{r.vendor ?? 'in-house'}</span>
              </>
            )}
          />
        </>
      )}
    </section>
  );
}

// One ranked table: the rank, who it is, then the numbers.
function RankTable<T extends { rank: number }>({
  label,
  what,
  rows,
  cols,
  rowKey,
  who,
}: {
  label: string;
  what: string;
  rows: T[];
  cols: NumCol<T>[];
  rowKey: (row: T) => string;
  who: (row: T) => ComponentChildren;
}) {
  return (
    <TableBox label={label}>
      <table>
        <thead>
          <tr>
            <th scope="col" class="num">
              Rank
            </th>
            <th scope="col">{what}</th>
            <NumHeaders cols={cols} />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} data-row={rowKey(r)}>
              <td class="num rank">{r.rank}</td>
              <th scope="row" class="who">
                {who(r)}
              </th>
              <NumCells cols={cols} row={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

// A board's ranking as bars, in the board's order: the first 15 rows.
const kChartRows = 15;
function BoardChart({ label, bars }: { label: string; bars: Bar[] }) {
  const shown = bars.slice(0, kChartRows);
  return (
    <BarChart
      label={label}
      bars={shown}
      caption={bars.length > kChartRows ? `The first ${kChartRows} of ${bars.length}, in the board's order.` : undefined}
    />
  );
}
