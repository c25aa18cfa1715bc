// Leaderboards (GET /api/v1/reports/leaderboard, docs/reports.md): vendors
// and campaigns ranked by the leads sales accepted, reps by conversion,
// follow-up speed or accepted leads, over a capture period kept in the URL.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, query, Session } from '../api';
import { count, hours, share } from '../format';
import { pathOf } from '../routes';
import { Period, PeriodPicker, periodFromUrl, periodParams, periodToUrl, Problem, problemOf, setUrlParams, TableBox, useUrlChanges } from '../campaign_shared';

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
  names: Map<string, string>;
  // Rep names, for the callers who may list the reps (the sales side).
  repNames: Map<string, string>;
}

async function load(p: Period, rank: string): Promise<Data> {
  const range = periodParams(p);
  const [vendors, campaigns, reps, list, people] = await Promise.all([
    get<Board<SourceRow>>('/api/v1/reports/leaderboard' + query({ of: 'vendors', ...range })),
    get<Board<SourceRow>>('/api/v1/reports/leaderboard' + query({ of: 'campaigns', ...range })),
    get<Board<RepRow>>('/api/v1/reports/leaderboard' + query({ of: 'reps', rank, ...range })),
    get<{ campaigns: { key: string; name: string }[] }>('/api/v1/campaigns'),
    get<{ reps: { key: string; name: string }[] }>('/api/v1/reps').catch(() => ({ reps: [] })),
  ]);
  return {
    vendors,
    campaigns,
    reps,
    names: new Map(list.campaigns.map((c) => [c.key, c.name])),
    repNames: new Map(people.reps.map((r) => [r.key, r.name])),
  };
}

export function Leaderboards({ session }: { session: Session }) {
  void session;
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
  const [data, setData] = useState<Data | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    let current = true;
    load(period, rank)
      .then((d) => {
        if (!current) return;
        setData(d);
        setProblem(null);
      })
      .catch((e) => {
        if (!current) return;
        setData(null);
        setProblem(problemOf(e));
      });
    return () => {
      current = false;
    };
  }, [period, rank]);

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
      {problem && (
        <p role="alert" class="error">
          {problem.message}
          {problem.field ? ` (${problem.field})` : ''}
        </p>
      )}
      {!data && !problem && <p class="loading">Loading the leaderboards…</p>}
      {data && (
        <div class="panels boards">
          <SourceBoard id="vendors" title="Vendors by accepted leads" what="Vendor" board={data.vendors} names={data.names} />
          <SourceBoard id="campaigns" title="Campaigns by accepted leads" what="Campaign" board={data.campaigns} names={data.names} />
          <RepBoard board={data.reps} names={data.repNames} rankLabel={kRanks.find((r) => r.key === rank)!.label} />
        </div>
      )}
    </>
  );
}

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
        <TableBox label={title}>
          <table>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Rank
                </th>
                <th scope="col">{what}</th>
                <th scope="col" class="num">
                  Accepted
                </th>
                <th scope="col" class="num">
                  Leads
                </th>
                <th scope="col" class="num">
                  Qualified
                </th>
                <th scope="col" class="num">
                  Accepted share
                </th>
                <th scope="col" class="num">
                  Won
                </th>
              </tr>
            </thead>
            <tbody>
              {board.rows.map((r) => {
                const key = r.campaign ?? r.vendor ?? '';
                return (
                  <tr key={key} data-row={key}>
                    <td class="num rank">{r.rank}</td>
                    <th scope="row" class="who">
                      {r.campaign ? <a href={pathOf('campaign', { key })}>{names.get(key) ?? key}</a> : key || 'in-house'}
                    </th>
                    <td class="num" data-col="accepted">
                      {count(r.accepted)}
                    </td>
                    <td class="num" data-col="leads">
                      {count(r.leads)}
                    </td>
                    <td class="num" data-col="qualified">
                      {count(r.qualified)}
                    </td>
                    <td class="num" data-col="accepted_share">
                      {share(r.accepted_share)}
                    </td>
                    <td class="num" data-col="won">
                      {count(r.won)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

function RepBoard({ board, names, rankLabel }: { board: Board<RepRow>; names: Map<string, string>; rankLabel: string }) {
  return (
    <section class="panel board reps-board" aria-labelledby="reps-h" data-board="reps">
      <h2 id="reps-h">Reps by {rankLabel.toLowerCase()}</h2>
      <p class="sub">Conversion is won / assigned; speed the median time from capture to the rep's first answer.</p>
      {board.rows.length === 0 ? (
        <p>No lead went to a rep in this period.</p>
      ) : (
        <TableBox label={`Reps by ${rankLabel.toLowerCase()}`}>
          <table>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Rank
                </th>
                <th scope="col">Rep</th>
                <th scope="col" class="num">
                  Conversion
                </th>
                <th scope="col" class="num">
                  Median answer
                </th>
                <th scope="col" class="num">
                  Accepted
                </th>
                <th scope="col" class="num">
                  Won
                </th>
                <th scope="col" class="num">
                  Assigned
                </th>
                <th scope="col" class="num">
                  Answered
                </th>
                <th scope="col" class="num">
                  p90 answer
                </th>
                <th scope="col" class="num">
                  SLA breaches
                </th>
              </tr>
            </thead>
            <tbody>
              {board.rows.map((r) => (
                <tr key={r.rep} data-row={r.rep}>
                  <td class="num rank">{r.rank}</td>
                  <th scope="row" class="who">
                    {names.get(r.rep) ?? r.rep}
                    <span class="cell-sub">
                      {names.has(r.rep) ? r.rep : ''}
                      {names.has(r.rep) && r.team ? ' · ' : ''}
                      {r.team ?? ''}
                    </span>
                  </th>
                  <td class="num" data-col="conversion">
                    {share(r.conversion)}
                  </td>
                  <td class="num" data-col="median">
                    {hours(r.response.median_hours)}
                  </td>
                  <td class="num" data-col="accepted">
                    {count(r.accepted)}
                  </td>
                  <td class="num" data-col="won">
                    {count(r.won)}
                  </td>
                  <td class="num" data-col="assigned">
                    {count(r.assigned)}
                  </td>
                  <td class="num" data-col="responded">
                    {count(r.responded)}
                  </td>
                  <td class="num" data-col="p90">
                    {hours(r.response.p90_hours)}
                  </td>
                  <td class="num" data-col="sla_breached">
                    {count(r.sla_breached)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}
