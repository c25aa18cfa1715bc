// The form that sets a goal (POST /api/v1/goals, docs/goals.md): a metric,
// a target, a period and an optional scope and pace curve. A vendor sets
// goals for its own vendor only, so its vendor is fixed. The server's
// refusal is shown under the field it names.
import { useState } from 'preact/hooks';
import { post, Session } from './api';
import { dayFrom } from './format';
import { Problem, problemOf } from './ui/states';
import { Field, FormAlert } from './ui/field';
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
  open = false,
}: {
  session: Session;
  choices: GoalChoices;
  onCreated: (g: Goal) => void;
  open?: boolean;
}) {
  const empty = () => ({
    name: '',
    metric: 'qualified_leads',
    target: '',
    starts_at: dayFrom(0),
    ends_at: dayFrom(90),
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

  const set = (f: string) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) =>
    setV({ ...v, [f]: e.currentTarget.value });

  return (
    <details class="panel create goal-create" open={open}>
      <summary>New goal</summary>
      <form class="form-grid" onSubmit={submit} noValidate>
        <Field id="ng-name" label="Goal name" field="name" problem={problem} wide>
          {(c) => <input {...c} value={v.name} onInput={set('name')} />}
        </Field>
        <Field id="ng-metric" label="Metric" field="metric" problem={problem}>
          {(c) => (
            <select {...c} value={v.metric} onChange={set('metric')}>
              {kMetrics.map((m) => (
                <option key={m.key} value={m.key}>
                  {m.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="ng-target" label="Target" field="target" problem={problem}>
          {(c) => <input {...c} inputMode="decimal" value={v.target} onInput={set('target')} />}
        </Field>
        <Field id="ng-starts" label="Starts on" field="starts_at" problem={problem}>
          {(c) => <input {...c} type="date" value={v.starts_at} onInput={set('starts_at')} />}
        </Field>
        <Field id="ng-ends" label="Ends before" field="ends_at" problem={problem}>
          {(c) => <input {...c} type="date" value={v.ends_at} onInput={set('ends_at')} />}
        </Field>
        <Field id="ng-campaign" label="Campaign" field="campaign" problem={problem}>
          {(c) => (
            <select {...c} value={v.campaign} onChange={set('campaign')}>
              <option value="">Any campaign</option>
              {choices.campaigns.map((x) => (
                <option key={x.key} value={x.key}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="ng-vendor" label="Vendor" field="vendor" problem={problem} note={ownVendor ? "Your vendor's goals only." : undefined}>
          {(c) =>
            ownVendor ? (
              <input {...c} value={ownVendor} readOnly />
            ) : (
              <select {...c} value={v.vendor} onChange={set('vendor')}>
                <option value="">No vendor</option>
                {vendors.map((x) => (
                  <option key={x} value={x}>
                    {x}
                  </option>
                ))}
              </select>
            )
          }
        </Field>
        <Field id="ng-region" label="Region" field="region" problem={problem}>
          {(c) => (
            <select {...c} value={v.region} onChange={set('region')}>
              <option value="">Any region</option>
              {choices.regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="ng-rep" label="Rep" field="rep" problem={problem}>
          {(c) =>
            choices.reps.length ? (
              <select {...c} value={v.rep} onChange={set('rep')}>
                <option value="">Any rep</option>
                {choices.reps.map((r) => (
                  <option key={r.key} value={r.key}>
                    {r.name}
                  </option>
                ))}
              </select>
            ) : (
              <input {...c} value={v.rep} onInput={set('rep')} />
            )
          }
        </Field>
        <Field
          id="ng-curve"
          label="Pace curve (optional)"
          field="curve"
          problem={problem}
          note="Cumulative % at the end of equal slices; empty for linear."
        >
          {(c) => <input {...c} value={v.curve} placeholder="20, 55, 100" onInput={set('curve')} />}
        </Field>
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            Set goal
          </button>
        </div>
      </form>
      <FormAlert problem={problem} fields={kFields} />
      {created && (
        <p role="status" class="ok">
          {created}
        </p>
      )}
    </details>
  );
}
