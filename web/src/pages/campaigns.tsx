// Campaigns: each campaign judged on what its leads became against its cost
// (GET /api/v1/reports/campaigns), with the revenue each attribution model
// credits it (GET /api/v1/reports/attribution), over a capture period kept
// in the URL. Columns sort; a name opens the campaign's page. Marketing and
// admin create campaigns here.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get, query, Session } from '../api';
import { count, share } from '../format';
import { pathOf } from '../routes';
import {
  AttributionModel,
  AttributionReport,
  AttributionRow,
  CampaignFacts,
  CampaignReport,
  CampaignRow,
  kModels,
  money,
  Period,
  PeriodPicker,
  periodFromUrl,
  periodParams,
  periodToUrl,
  Problem,
  problemOf,
  setUrlParams,
  Sort,
  SortHeader,
  sortRows,
  useUrlChanges,
} from '../campaign_shared';
import { CampaignForm } from '../campaign_form';
import { Bar, BarChart } from '../bar_chart';
import { Loading, ProblemAlert } from '../ui/states';

interface Data {
  report: CampaignReport;
  attribution: AttributionReport;
  facts: Map<string, CampaignFacts>;
}

async function load(p: Period): Promise<Data> {
  const q = query(periodParams(p));
  const [report, attribution, list] = await Promise.all([
    get<CampaignReport>('/api/v1/reports/campaigns' + q),
    get<AttributionReport>('/api/v1/reports/attribution' + q),
    get<{ campaigns: CampaignFacts[] }>('/api/v1/campaigns'),
  ]);
  return { report, attribution, facts: new Map(list.campaigns.map((c) => [c.key, c])) };
}

interface Column {
  key: string;
  label: string;
  numeric: boolean;
  value: (r: CampaignRow, credit: AttributionRow | undefined, m: AttributionModel) => number | string | null;
  show: (r: CampaignRow, credit: AttributionRow | undefined, m: AttributionModel, d: Data) => string;
}

// The credited revenue of a campaign under a model: 0 when it touched no won
// deal, null when the caller sees no amounts (a vendor).
function credited(d: Data, credit: AttributionRow | undefined, m: AttributionModel): number | null {
  if (credit) return credit[m];
  return d.attribution.revenue === null ? null : 0;
}

const kColumns: Column[] = [
  { key: 'cost', label: 'Cost', numeric: true, value: (r) => r.cost, show: (r) => money(r.cost, r.currency) },
  { key: 'leads', label: 'Leads', numeric: true, value: (r) => r.leads, show: (r) => count(r.leads) },
  { key: 'qualified', label: 'Qualified', numeric: true, value: (r) => r.qualified, show: (r) => count(r.qualified) },
  { key: 'accepted', label: 'Accepted', numeric: true, value: (r) => r.accepted, show: (r) => count(r.accepted) },
  { key: 'won', label: 'Won', numeric: true, value: (r) => r.won, show: (r) => count(r.won) },
  { key: 'revenue', label: 'Revenue', numeric: true, value: (r) => r.revenue, show: (r) => money(r.revenue, r.currency) },
  {
    key: 'cpql',
    label: 'Cost per qualified',
    numeric: true,
    value: (r) => r.cost_per_qualified_lead,
    show: (r) => money(r.cost_per_qualified_lead, r.currency),
  },
  { key: 'roi', label: 'ROI', numeric: true, value: (r) => r.roi, show: (r) => share(r.roi) },
  { key: 'touches', label: 'Touches', numeric: true, value: (r) => r.touches, show: (r) => count(r.touches) },
  {
    key: 'deals',
    label: 'Deals touched',
    numeric: true,
    value: (_r, c) => c?.deals ?? 0,
    show: (_r, c) => count(c?.deals ?? 0),
  },
];

const kModelKeys = kModels.map((m) => m.key) as string[];

function modelFromUrl(search: string): AttributionModel {
  const m = new URLSearchParams(search).get('model') ?? '';
  return (kModelKeys.includes(m) ? m : 'first_touch') as AttributionModel;
}

function sortFromUrl(search: string): Sort {
  const q = new URLSearchParams(search);
  return { key: q.get('sort') ?? 'name', dir: q.get('dir') === 'descending' ? 'descending' : 'ascending' };
}

export function Campaigns({ session }: { session: Session }) {
  const [period, setPeriod] = useState<Period>(() => periodFromUrl(location.search));
  const [model, setModel] = useState<AttributionModel>(() => modelFromUrl(location.search));
  const [sort, setSort] = useState<Sort>(() => sortFromUrl(location.search));
  useUrlChanges(
    useCallback((search: string) => {
      setPeriod((p) => {
        const next = periodFromUrl(search);
        return next.period === p.period && next.from === p.from && next.to === p.to ? p : next;
      });
      setModel(modelFromUrl(search));
      setSort((s) => {
        const next = sortFromUrl(search);
        return next.key === s.key && next.dir === s.dir ? s : next;
      });
    }, []),
  );
  const [data, setData] = useState<Data | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const mayCreate = session.roles.some((r) => r === 'admin' || r === 'marketing');

  // Only the answer for the latest period asked is shown: an earlier answer
  // arriving late would put another period's figures under this one.
  const asked = useRef<Period | null>(null);
  const refresh = useCallback(async (p: Period) => {
    asked.current = p;
    try {
      const d = await load(p);
      if (asked.current !== p) return;
      setData(d);
      setProblem(null);
    } catch (e) {
      if (asked.current !== p) return;
      setData(null);
      setProblem(problemOf(e));
    }
  }, []);

  useEffect(() => {
    void refresh(period);
  }, [period, refresh]);

  const changePeriod = (p: Period) => {
    periodToUrl(p);
    setPeriod(p);
  };
  const changeModel = (m: AttributionModel) => {
    setUrlParams({ model: m }, { model: 'first_touch' });
    setModel(m);
  };
  const changeSort = (s: Sort) => {
    setUrlParams({ sort: s.key, dir: s.dir }, { sort: 'name', dir: 'ascending' });
    setSort(s);
  };

  const modelLabel = kModels.find((m) => m.key === model)!.label;
  const credits = new Map((data?.attribution.campaigns ?? []).map((c) => [c.campaign, c]));
  const value = (r: CampaignRow, key: string): number | string | null => {
    if (key === 'name') return r.name.toLowerCase();
    if (key === 'attributed') return data ? credited(data, credits.get(r.campaign), model) : null;
    const col = kColumns.find((c) => c.key === key);
    return col ? col.value(r, credits.get(r.campaign), model) : null;
  };
  const rows = data ? sortRows(data.report.campaigns, sort, value) : [];

  return (
    <>
      <div class="page-head">
        <h1>Campaigns</h1>
      </div>
      <form class="filters campaign-filters" onSubmit={(e) => e.preventDefault()}>
        <PeriodPicker id="c-period" value={period} onChange={changePeriod} />
        <fieldset class="models">
          <legend>Attribution model</legend>
          {kModels.map((m) => (
            <label key={m.key} class="radio">
              <input
                type="radio"
                name="model"
                value={m.key}
                checked={model === m.key}
                onChange={() => changeModel(m.key)}
              />
              {m.label}
            </label>
          ))}
        </fieldset>
      </form>
      <ProblemAlert problem={problem} />
      {!data && !problem && <Loading>Loading the campaigns…</Loading>}
      {data && (
        <section class="panel" aria-labelledby="campaigns-h">
          <h2 id="campaigns-h">Campaigns by what their leads became</h2>
          <p class="sub">
            {count(rows.length)} campaigns · leads captured {periodText(period)} · attributed revenue by{' '}
            {modelLabel.toLowerCase()}
            {data.attribution.revenue !== null ? ` (${money(data.attribution.revenue, oneCurrency(rows))} won in all)` : ''}
          </p>
          {rows.length > 0 && <CampaignCharts rows={data.report.campaigns} />}
          {rows.length === 0 ? (
            <p>No campaign yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="campaign-table">
                <caption class="sr-only">
                  Campaigns, sorted by {sort.key} {sort.dir}
                </caption>
                <thead>
                  <tr>
                    <SortHeader col="name" label="Campaign" sort={sort} onSort={changeSort} />
                    {kColumns.map((c) => (
                      <SortHeader key={c.key} col={c.key} label={c.label} sort={sort} numeric onSort={changeSort} />
                    ))}
                    <SortHeader
                      col="attributed"
                      label={`Credited revenue, ${modelLabel.toLowerCase()}`}
                      sort={sort}
                      numeric
                      onSort={changeSort}
                    />
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const credit = credits.get(r.campaign);
                    const facts = data.facts.get(r.campaign);
                    return (
                      <tr key={r.campaign} data-campaign={r.campaign}>
                        <th scope="row">
                          <a href={pathOf('campaign', { key: r.campaign })}>{r.name}</a>
                          <span class="cell-sub">
                            {r.channel.replaceAll('_', ' ')}
                            {r.vendor ? ` · ${r.vendor}` : ''}
                            {facts?.owner ? ` · ${facts.owner}` : ''}
                          </span>
                        </th>
                        {kColumns.map((c) => (
                          <td key={c.key} class="num" data-col={c.key}>
                            {c.show(r, credit, model, data)}
                          </td>
                        ))}
                        <td class="num" data-col="attributed">
                          {money(credited(data, credit, model), r.currency)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <p class="sub campaigns-note">
            Amounts in each campaign's currency{currencies(rows)}. Cost per qualified: cost / qualified leads. ROI is (revenue − cost) / cost. Attribution credits
            the revenue of won leads to every campaign that touched them.
          </p>
        </section>
      )}
      {mayCreate && <CampaignForm onCreated={() => void refresh(asked.current ?? period)} />}
    </>
  );
}

function periodText(p: Period): string {
  const { from, to } = periodParams(p);
  if (!from && !to) return 'at any time';
  if (from && to) return `from ${from} to ${to}`;
  return from ? `from ${from}` : `before ${to}`;
}

// The currency of a sum over campaigns: theirs when they share one.
function oneCurrency(rows: CampaignRow[]): string | undefined {
  const all = [...new Set(rows.map((r) => r.currency))];
  return all.length === 1 ? all[0] : undefined;
}

function currencies(rows: CampaignRow[]): string {
  const all = [...new Set(rows.map((r) => r.currency))];
  return all.length ? ` (${all.join(', ')})` : '';
}

// ROI and cost per qualified lead as bars, best first; campaigns without the
// figure (no cost, no qualified lead, a vendor's view) are left out and counted.
function CampaignCharts({ rows }: { rows: CampaignRow[] }) {
  const bars = (value: (r: CampaignRow) => number | null, text: (r: CampaignRow) => string, order: 1 | -1): Bar[] =>
    rows
      .filter((r) => value(r) !== null)
      .sort((a, b) => order * (value(a)! - value(b)!))
      .map((r) => ({ key: r.campaign, name: r.name, value: value(r)!, text: text(r) }));
  const roi = bars((r) => r.roi, (r) => share(r.roi), -1);
  const cpql = bars((r) => r.cost_per_qualified_lead, (r) => money(r.cost_per_qualified_lead, r.currency), 1);
  const left = (n: number, why: string) => (n < rows.length ? ` ${rows.length - n} without ${why} left out.` : '');
  if (roi.length === 0 && cpql.length === 0) return null;
  return (
    <div class="bar-charts">
      <div>
        <h3>ROI</h3>
        {roi.length ? (
          <BarChart label="ROI per campaign, highest first" bars={roi} caption={`Highest first.${left(roi.length, 'a cost')}`} />
        ) : (
          <p>No campaign has a cost to judge its ROI.</p>
        )}
      </div>
      <div>
        <h3>Cost per qualified lead</h3>
        {cpql.length ? (
          <BarChart
            label="Cost per qualified lead per campaign, cheapest first"
            bars={cpql}
            caption={`Cheapest first.${left(cpql.length, 'a qualified lead')}`}
          />
        ) : (
          <p>No campaign has a qualified lead yet.</p>
        )}
      </div>
    </div>
  );
}
