// The form that sets a goal (POST /api/v1/goals, docs/goals.md): a metric,
// a target, a period and an optional scope and pace curve. A vendor sets
// goals for its own vendor only, so its vendor is fixed. The server's
// refusal is shown under the field it names.
import { useState } from 'preact/hooks';
import { post, Session } from './api';
import { FieldError, Problem, problemOf } from './campaign_shared';
import { Goal } from './reports';

export const kMetrics: { key: string; label: string }[] = [
  { key: 'leads', label: 'Leads captured' },
  { key: 'qualified_leads', label: 'Qualified leads' },
  { key: 'hot_leads', label: 'Hot leads' },
  { key: 'accepted_leads', label: 'Leads sales accepted' },
  { key: 'opportunities', label: 'Opportunities' },
  { key: 'won_deals', label: 'Won deals' },
  { key: 'revenue', label: 'Revenue' },
  { key: 'touches', label: 'Touches' },
  { key: 'data_points', label: 'Call-guide answers' },
  { key: 'attendees', label: 'Attendees' },
  { key: 'speed_to_lead', label: 'Speed to lead (minutes, a ceiling)' },
];

export interface GoalChoices {
  campaigns: { key: string; name: string; vendor: string | null }[];
  regions: string[];
  reps: { key: string; name: string }[];
}

const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

const kFields = ['name', 'metric', 'target', 'starts_at', 'ends_at', 'campaign', 'vendor', 'region', 'rep', 'curve'];

// "20, 55, 100" -> [20, 55, 100]; null when it is not a list of whole numbers.
function parseCurve(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const values = parts.map(Number);
  return values.every((v) => Number.isInteger(v)) ? values : null;
}

export function GoalForm({
  session,
  choices,
  onCreated,
}: {
  session: Session;
  choices: GoalChoices;
  onCreated: (g: Goal) => void;
}) {
  const empty = () => ({
    name: '',
    metric: 'qualified_leads',
    target: '',
    starts_at: day(0),
    ends_at: day(90),
    campaign: '',
    vendor: '',
    region: '',
    rep: '',
    curve: '',
  });
  const [v, setV] = useState<Record<string, string>>(empty);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState('');
  const ownVendor = session.vendor || '';
  const vendors = [...new Set(choices.campaigns.map((c) => c.vendor).filter((x): x is string => !!x))].sort();

  const submit = async (e: Event) => {
    e.preventDefault();
    setCreated('');
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      metric: v.metric,
      target: v.target.trim() === '' ? null : Number(v.target),
      starts_at: v.starts_at,
      ends_at: v.ends_at,
    };
    if (v.target.trim() !== '' && !Number.isFinite(body.target as number)) {
      setProblem({ status: 0, message: 'the target is a number', field: 'target' });
      return;
    }
    for (const k of ['campaign', 'region', 'rep'] as const) if (v[k]) body[k] = v[k];
    if (ownVendor) body.vendor = ownVendor;
    else if (v.vendor) body.vendor = v.vendor;
    if (v.curve.trim()) {
      const curve = parseCurve(v.curve);
      if (!curve) {
        setProblem({ status: 0, message: 'the curve is whole percentages separated by commas, e.g. 20, 55, 100', field: 'curve' });
        return;
      }
      body.curve = curve;
    }
    setBusy(true);
    try {
      const g = await post<Goal>('/api/v1/goals', body);
      setProblem(null);
      setV(empty());
      setCreated(`Goal "${g.name}" set; it counts once both sides approved it.`);
      onCreated(g);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const bad = (f: string) => (problem?.field === f ? 'true' : undefined);
  const described = (f: string) => (problem?.field === f ? `ng-${f}-error` : undefined);
  const set = (f: string) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setV({ ...v, [f]: e.currentTarget.value });

  return (
    <details class="panel create goal-create">
      <summary>New goal</summary>
      <form class="form-grid" onSubmit={submit} noValidate>
        <div class="field wide">
          <label for="ng-name">Goal name</label>
          <input id="ng-name" value={v.name} onInput={set('name')} aria-invalid={bad('name')} aria-describedby={described('name')} />
          <FieldError id="ng-name-error" problem={problem} field="name" />
        </div>
        <div class="field">
          <label for="ng-metric">Metric</label>
          <select id="ng-metric" value={v.metric} onChange={set('metric')} aria-invalid={bad('metric')} aria-describedby={described('metric')}>
            {kMetrics.map((m) => (
              <option key={m.key} value={m.key}>
                {m.label}
              </option>
            ))}
          </select>
          <FieldError id="ng-metric-error" problem={problem} field="metric" />
        </div>
        <div class="field">
          <label for="ng-target">Target</label>
          <input
            id="ng-target"
            inputMode="decimal"
            value={v.target}
            onInput={set('target')}
            aria-invalid={bad('target')}
            aria-describedby={described('target')}
          />
          <FieldError id="ng-target-error" problem={problem} field="target" />
        </div>
        <div class="field">
          <label for="ng-starts">Starts on</label>
          <input
            id="ng-starts"
            type="date"
            value={v.starts_at}
            onInput={set('starts_at')}
            aria-invalid={bad('starts_at')}
            aria-describedby={described('starts_at')}
          />
          <FieldError id="ng-starts_at-error" problem={problem} field="starts_at" />
        </div>
        <div class="field">
          <label for="ng-ends">Ends before</label>
          <input
            id="ng-ends"
            type="date"
            value={v.ends_at}
            onInput={set('ends_at')}
            aria-invalid={bad('ends_at')}
            aria-describedby={described('ends_at')}
          />
          <FieldError id="ng-ends_at-error" problem={problem} field="ends_at" />
        </div>
        <div class="field">
          <label for="ng-campaign">Campaign</label>
          <select id="ng-campaign" value={v.campaign} onChange={set('campaign')} aria-invalid={bad('campaign')} aria-describedby={described('campaign')}>
            <option value="">Any campaign</option>
            {choices.campaigns.map((c) => (
              <option key={c.key} value={c.key}>
                {c.name}
              </option>
            ))}
          </select>
          <FieldError id="ng-campaign-error" problem={problem} field="campaign" />
        </div>
        <div class="field">
          <label for="ng-vendor">Vendor</label>
          {ownVendor ? (
            <input id="ng-vendor" value={ownVendor} readOnly aria-describedby="ng-vendor-note" />
          ) : (
            <select id="ng-vendor" value={v.vendor} onChange={set('vendor')} aria-invalid={bad('vendor')} aria-describedby={described('vendor')}>
              <option value="">No vendor</option>
              {vendors.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          )}
          {ownVendor && (
            <p id="ng-vendor-note" class="hint">
              Your vendor's goals only.
            </p>
          )}
          <FieldError id="ng-vendor-error" problem={problem} field="vendor" />
        </div>
        <div class="field">
          <label for="ng-region">Region</label>
          <select id="ng-region" value={v.region} onChange={set('region')} aria-invalid={bad('region')} aria-describedby={described('region')}>
            <option value="">Any region</option>
            {choices.regions.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <FieldError id="ng-region-error" problem={problem} field="region" />
        </div>
        <div class="field">
          <label for="ng-rep">Rep</label>
          {choices.reps.length ? (
            <select id="ng-rep" value={v.rep} onChange={set('rep')} aria-invalid={bad('rep')} aria-describedby={described('rep')}>
              <option value="">Any rep</option>
              {choices.reps.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.name}
                </option>
              ))}
            </select>
          ) : (
            <input id="ng-rep" value={v.rep} onInput={set('rep')} aria-invalid={bad('rep')} aria-describedby={described('rep')} />
          )}
          <FieldError id="ng-rep-error" problem={problem} field="rep" />
        </div>
        <div class="field">
          <label for="ng-curve">Pace curve (optional)</label>
          <input
            id="ng-curve"
            value={v.curve}
            placeholder="20, 55, 100"
            onInput={set('curve')}
            aria-invalid={bad('curve')}
            aria-describedby={problem?.field === 'curve' ? 'ng-curve-error' : 'ng-curve-note'}
          />
          <p id="ng-curve-note" class="hint">
            Cumulative % at the end of equal slices; empty for linear.
          </p>
          <FieldError id="ng-curve-error" problem={problem} field="curve" />
        </div>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            Set goal
          </button>
        </div>
      </form>
      {problem && !kFields.includes(problem.field ?? '') && (
        <p role="alert" class="error">
          {problem.message}
        </p>
      )}
      {created && (
        <p role="status" class="ok">
          {created}
        </p>
      )}
    </details>
  );
}
