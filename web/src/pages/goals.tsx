// Goals (docs/goals.md): every goal the caller may read with its progress,
// where it should be by now, where it will end at this pace, and its status
// in words; the goals still waiting for a side's approval first, with the
// approve button for the side the caller may speak for. The roles that set
// goals get the form.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post, Session } from '../api';
import { amount, date, label, person, share, utc } from '../format';
import { FunnelReport, Goal, Rep } from '../reports';
import { Problem, problemOf } from '../campaign_shared';
import { GoalChoices, GoalForm, kMetrics } from '../goal_form';
import { ErrorAlert, Loading } from '../ui/states';

interface Approval {
  by: string | null;
  at: string | null;
}
export interface FullGoal extends Goal {
  curve: 'linear' | number[];
  created_by: string;
  created_at: string;
  approvals: { client: Approval; vendor: Approval };
  behind_at: string | null;
}

const kClientSide = ['admin', 'marketing', 'sales_manager'];
export const kSetters = [...kClientSide, 'vendor'];

async function loadChoices(): Promise<GoalChoices> {
  const [campaigns, regions, reps] = await Promise.all([
    get<{ campaigns: GoalChoices['campaigns'] }>('/api/v1/campaigns'),
    get<FunnelReport>('/api/v1/reports/funnel?by=region'),
    get<{ reps: Rep[] }>('/api/v1/reps').catch(() => ({ reps: [] as Rep[] })),
  ]);
  return {
    campaigns: campaigns.campaigns,
    regions: regions.groups.map((g) => g.group).filter((r) => r !== ''),
    reps: reps.reps,
  };
}

export function Goals({ session }: { session: Session }) {
  const [goals, setGoals] = useState<FullGoal[] | null>(null);
  const [asOf, setAsOf] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [choices, setChoices] = useState<GoalChoices>({ campaigns: [], regions: [], reps: [] });
  const maySet = session.roles.some((r) => kSetters.includes(r));
  // /goals?new opens the form (the overview's empty goals panel links here).
  const [opening] = useState(() => new URLSearchParams(location.search).has('new'));

  const refresh = useCallback(async () => {
    try {
      const list = await get<{ as_of: string; goals: FullGoal[] }>('/api/v1/goals');
      setGoals(list.goals);
      setAsOf(list.as_of);
      setProblem(null);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, []);

  useEffect(() => {
    void refresh();
    if (maySet) loadChoices().then(setChoices).catch(() => undefined);
  }, [refresh, maySet]);

  const pending = (goals ?? []).filter((g) => !g.active);
  const active = (goals ?? []).filter((g) => g.active);

  return (
    <>
      <div class="page-head">
        <h1>Goals</h1>
        {asOf && <p class="sub">As of {utc(asOf)}</p>}
      </div>
      {maySet && <GoalForm session={session} choices={choices} onCreated={() => void refresh()} open={opening} />}
      <ErrorAlert error={problem} />
      {!goals && !problem && <Loading>Loading the goals…</Loading>}
      {goals && (
        <>
          <section class="panel goals-section" aria-labelledby="pending-h">
            <h2 id="pending-h">Awaiting approval ({pending.length})</h2>
            {pending.length === 0 ? (
              <p>No goal is waiting for an approval.</p>
            ) : (
              <ul class="goal-cards">
                {pending.map((g) => (
                  <GoalCard key={g.id} goal={g} session={session} onChanged={refresh} />
                ))}
              </ul>
            )}
          </section>
          <section class="panel goals-section" aria-labelledby="active-h">
            <h2 id="active-h">Goals that count ({active.length})</h2>
            {active.length === 0 ? (
              <p>No goal is approved by both sides yet.</p>
            ) : (
              <ul class="goal-cards">
                {active.map((g) => (
                  <GoalCard key={g.id} goal={g} session={session} onChanged={refresh} />
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}

function scopeText(g: Goal): string {
  const parts = Object.entries(g.scope)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'whole programme';
}

function paceText(g: FullGoal): string {
  if (g.at_most) return 'a ceiling, all period long';
  if (g.curve === 'linear' || !Array.isArray(g.curve)) return 'linear';
  return 'curve ' + g.curve.map((p) => p + '%').join(' → ');
}


function GoalCard({ goal: g, session, onChanged }: { goal: FullGoal; session: Session; onChanged: () => Promise<void> }) {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const metric = kMetrics.find((m) => m.key === g.metric)?.label ?? label(g.metric);
  const needsVendor = !!g.scope.vendor;
  const clientMay = session.roles.some((r) => kClientSide.includes(r)) && !g.approvals.client.by;
  const vendorMay =
    needsVendor &&
    !!session.vendor &&
    session.vendor.toLowerCase() === g.scope.vendor!.toLowerCase() &&
    !g.approvals.vendor.by;

  const approve = async (side: 'client' | 'vendor') => {
    setBusy(true);
    try {
      await post(`/api/v1/goals/${g.id}/approvals`, { side });
      setProblem(null);
      await onChanged();
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li class="goal-card" data-goal={g.id}>
      <div class="goal-head">
        <h3>{g.name}</h3>
        <span class={'status ' + g.progress.status} data-status={g.progress.status}>
          {label(g.progress.status)}
        </span>
      </div>
      <p class="sub">
        {metric} · {scopeText(g)} · {date(g.starts_at)} to {date(g.ends_at)} · pace {paceText(g)}
      </p>
      <meter
        min={0}
        max={1}
        value={Math.min(1, g.progress.share_of_target)}
        aria-label={`${g.name}: ${share(g.progress.share_of_target)} of the target`}
      />
      <dl class="figures small">
        <div data-figure="actual">
          <dt>{g.at_most ? 'Now' : 'Progress'}</dt>
          <dd>
            {amount(g.progress.actual, g.unit)} of {amount(g.target, g.unit)}
          </dd>
        </div>
        <div data-figure="expected">
          <dt>{g.at_most ? 'Ceiling' : 'Expected by now'}</dt>
          <dd>{amount(g.progress.expected, g.unit)}</dd>
        </div>
        <div data-figure="projected">
          <dt>Projected at the end</dt>
          <dd>{amount(g.progress.projected, g.unit)}</dd>
        </div>
        <div data-figure="elapsed">
          <dt>Period gone</dt>
          <dd>{share(g.progress.elapsed)}</dd>
        </div>
      </dl>
      <ul class="approvals" aria-label={`Approvals of ${g.name}`}>
        <li data-side="client">
          Client side:{' '}
          {g.approvals.client.by ? (
            <>
              approved by {person(g.approvals.client.by)} at {utc(g.approvals.client.at)}
            </>
          ) : (
            <strong>pending</strong>
          )}
        </li>
        {needsVendor && (
          <li data-side="vendor">
            Vendor {g.scope.vendor}:{' '}
            {g.approvals.vendor.by ? (
              <>
                approved by {person(g.approvals.vendor.by)} at {utc(g.approvals.vendor.at)}
              </>
            ) : (
              <strong>pending</strong>
            )}
          </li>
        )}
      </ul>
      {(clientMay || vendorMay) && (
        <div class="approve-actions">
          {clientMay && (
            <button type="button" disabled={busy} onClick={() => void approve('client')}>
              Approve for the client side<span class="sr-only">: {g.name}</span>
            </button>
          )}
          {vendorMay && (
            <button type="button" disabled={busy} onClick={() => void approve('vendor')}>
              Approve for {g.scope.vendor}
              <span class="sr-only">: {g.name}</span>
            </button>
          )}
        </div>
      )}
      <ErrorAlert error={problem} />
      <p class="sub small">
        Set by {person(g.created_by)} at {utc(g.created_at)}
        {g.behind_at ? ` · fell behind at ${utc(g.behind_at)}` : ''}
      </p>
    </li>
  );
}
