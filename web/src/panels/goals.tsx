// Goals: progress against the target, where it should be by now, where it
// will end at this rate, and the status in words (not colour alone). Each
// goal keeps its own period and scope; the filters hide goals whose scope
// names another campaign, vendor, region or rep, or whose period misses the
// filtered one.
import { amount, date, label, share } from '../format';
import { pathOf } from '../routes';
import { Filters, periodRange } from '../filters';
import { Goal, GoalList } from '../reports';

function matches(g: Goal, f: Filters): boolean {
  const same = (scope: string | null, want: string) => !want || !scope || scope.toLowerCase() === want.toLowerCase();
  if (
    !same(g.scope.campaign, f.campaign) ||
    !same(g.scope.vendor, f.vendor) ||
    !same(g.scope.region, f.region) ||
    !same(g.scope.rep, f.owner)
  ) {
    return false;
  }
  const { from, to } = periodRange(f);
  if (from && g.ends_at.slice(0, 10) <= from) return false;
  if (to && g.starts_at.slice(0, 10) >= to) return false;
  return true;
}

function scopeText(g: Goal): string {
  const parts = Object.entries(g.scope)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k} ${v}`);
  return parts.length ? parts.join(', ') : 'whole programme';
}

export function GoalsPanel({ goals, filters, maySet }: { goals: GoalList; filters: Filters; maySet: boolean }) {
  const shown = goals.goals.filter((g) => matches(g, filters));
  return (
    <section class="panel goals" aria-labelledby="goals-h">
      <h2 id="goals-h">Goals</h2>
      {shown.length === 0 ? (
        <div class="empty-action">
          <p>No goal in this view{goals.goals.length ? ' (the other goals are outside these filters)' : ''}.</p>
          {maySet ? (
            <a class="button" href={pathOf('goals') + '?new'}>
              Set a goal
            </a>
          ) : (
            <p>
              Marketing and sales set goals together on the <a href={pathOf('goals')}>goals page</a>.
            </p>
          )}
        </div>
      ) : (
        <ul class="goal-list">
          {shown.map((g) => (
            <li key={g.id} class="goal" data-goal={g.id}>
              <div class="goal-head">
                <h3>{g.name}</h3>
                <span class={'status ' + g.progress.status}>{label(g.progress.status)}</span>
              </div>
              <p class="sub">
                {label(g.metric)} · {scopeText(g)} · {date(g.starts_at)} to {date(g.ends_at)}
                {g.at_most ? ' · a ceiling' : ''}
              </p>
              <meter
                min={0}
                max={1}
                value={Math.min(1, g.progress.share_of_target)}
                aria-label={`${g.name}: ${share(g.progress.share_of_target)} of the target`}
              />
              <dl class="figures small">
                <div>
                  <dt>Progress</dt>
                  <dd>
                    {amount(g.progress.actual, g.unit)} of {amount(g.target, g.unit)}
                  </dd>
                </div>
                <div>
                  <dt>Expected by now</dt>
                  <dd>{amount(g.progress.expected, g.unit)}</dd>
                </div>
                <div>
                  <dt>Projected</dt>
                  <dd>{amount(g.progress.projected, g.unit)}</dd>
                </div>
                <div>
                  <dt>Period gone</dt>
                  <dd>{share(g.progress.elapsed)}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
