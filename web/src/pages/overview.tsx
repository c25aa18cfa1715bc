// The overview: goals, the funnel, the leaks and speed to lead, under one set
// of filters, kept current by the live stream.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, Session } from '../api';
import { Filters, filtersFromUrl, filtersToUrl, kPeriods, periodRange, previousRange, reportQuery } from '../filters';
import { followChanges } from '../live';
import { Campaign, FunnelReport, GoalList, LeakReport, Rep, SpeedReport } from '../reports';
import { FilterBar } from '../panels/filter_bar';
import { FunnelPanel } from '../panels/funnel';
import { GoalsPanel } from '../panels/goals';
import { LeaksPanel } from '../panels/leaks';
import { SpeedPanel } from '../panels/speed';
import { Bucket, Comparison, OverTimePanel } from '../panels/over_time';
import { Loading } from '../ui/states';
import { kSetters } from './goals';

export interface OverviewData {
  funnel: FunnelReport;
  leaks: LeakReport;
  speed: SpeedReport;
  goals: GoalList;
  // Over time: the funnel per week or month (or why not), and the period
  // before the filtered one.
  byTime: FunnelReport | null;
  byTimeProblem: string;
  previous: FunnelReport | null;
}

async function load(f: Filters): Promise<OverviewData> {
  const q = reportQuery(f);
  const before = previousRange(f);
  const [funnel, leaks, speed, goals, byTime, previous] = await Promise.all([
    get<FunnelReport>('/api/v1/reports/funnel' + q),
    get<LeakReport>('/api/v1/reports/leaks' + q),
    get<SpeedReport>('/api/v1/reports/speed-to-lead' + q),
    get<GoalList>('/api/v1/goals'),
    // A refusal here (a server without by=month) leaves the other panels be.
    get<FunnelReport>('/api/v1/reports/funnel' + reportQuery(f, { by: f.by })).catch((e: unknown) =>
      e instanceof Error ? e.message : String(e),
    ),
    before
      ? get<FunnelReport>('/api/v1/reports/funnel' + reportQuery({ ...f, period: 'custom', from: before.from, to: before.to }))
      : Promise.resolve(null),
  ]);
  return {
    funnel,
    leaks,
    speed,
    goals,
    byTime: typeof byTime === 'string' ? null : byTime,
    byTimeProblem: typeof byTime === 'string' ? byTime : '',
    previous,
  };
}

// The filtered period and the one before it, in words.
function comparisonOf(f: Filters, d: OverviewData): Comparison | null {
  const before = previousRange(f);
  if (!before || !d.previous) return null;
  const preset = kPeriods.find((p) => p.key === f.period);
  const { from, to } = periodRange(f);
  const label = f.period !== 'custom' && preset ? preset.label : to ? `${from} up to ${to}` : `From ${from}`;
  const previous = f.period !== 'custom' ? `the ${before.days} days before` : `${before.from} up to ${before.to}`;
  return { label, before: previous, now: d.funnel, previous: d.previous };
}

// Where the filter values come from: the campaigns the caller may see (with
// their channels and vendors), the regions that have leads, and the reps
// (for the sales side only: the others get 403 and no rep filter).
export interface Choices {
  campaigns: Campaign[];
  regions: string[];
  reps: Rep[];
}

async function loadChoices(): Promise<Choices> {
  const [campaigns, byRegion, reps] = await Promise.all([
    get<{ campaigns: Campaign[] }>('/api/v1/campaigns'),
    get<FunnelReport>('/api/v1/reports/funnel?by=region'),
    get<{ reps: Rep[] }>('/api/v1/reps').catch(() => ({ reps: [] as Rep[] })),
  ]);
  return {
    campaigns: campaigns.campaigns,
    regions: byRegion.groups.map((g) => g.group).filter((r) => r !== ''),
    reps: reps.reps,
  };
}

export function Overview({ session }: { session: Session }) {
  const [filters, setFilters] = useState<Filters>(() => filtersFromUrl(location.search));
  const [choices, setChoices] = useState<Choices>({ campaigns: [], regions: [], reps: [] });
  const [data, setData] = useState<OverviewData | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [live, setLive] = useState(false);
  const [updated, setUpdated] = useState('');
  const current = useRef(filters);
  current.current = filters;

  const refresh = useCallback(async () => {
    const asked = current.current;
    try {
      const d = await load(asked);
      if (asked !== current.current) return; // the filters changed meanwhile
      setData(d);
      setError(null);
      setUpdated(new Date().toISOString().slice(11, 19) + ' UTC');
    } catch (e) {
      if (asked !== current.current) return;
      setData(null); // no figures of other filters under these
      setError(e instanceof ApiError ? { message: e.message, field: e.body.field } : { message: String(e) });
    }
  }, []);

  useEffect(() => {
    loadChoices()
      .then(setChoices)
      .catch(() => undefined);
  }, []);

  // The URL follows at once, so a reload right after a change keeps it.
  const change = (f: Filters) => {
    history.replaceState(null, '', location.pathname + filtersToUrl(f));
    setFilters(f);
  };

  useEffect(() => {
    void refresh();
  }, [filters, refresh]);

  useEffect(() => {
    const handle = followChanges(refresh, setLive);
    return () => handle.close();
  }, [refresh]);

  return (
    <>
      <div class="page-head">
        <h1>Overview</h1>
        <p class="live" role="status" aria-live="polite">
          <span class={live ? 'dot on' : 'dot'} aria-hidden="true" />
          {live ? 'Live' : 'Reconnecting'}
          {updated && <> · updated {updated}</>}
        </p>
      </div>
      <FilterBar filters={filters} choices={choices} onChange={change} segmentError={error?.field === 'segment' ? error.message : ''} />
      {error && error.field !== 'segment' && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      {data ? (
        <div class="panels">
          <GoalsPanel goals={data.goals} filters={filters} maySet={session.roles.some((r) => kSetters.includes(r))} />
          <FunnelPanel funnel={data.funnel} />
          <OverTimePanel
            by={filters.by as Bucket}
            onBy={(by) => change({ ...filters, by })}
            report={data.byTime}
            problem={data.byTimeProblem}
            comparison={comparisonOf(filters, data)}
          />
          <LeaksPanel leaks={data.leaks} />
          <SpeedPanel speed={data.speed} />
        </div>
      ) : (
        <Loading>{error ? 'No figures for these filters.' : 'Loading the figures…'}</Loading>
      )}
      <p class="scope-note">
        Figures for {session.login}'s scope{session.vendor ? ` (vendor ${session.vendor})` : ''}
        {session.rep ? ` (rep ${session.rep})` : ''}{session.team ? ` (team ${session.team})` : ''}.
      </p>
    </>
  );
}
