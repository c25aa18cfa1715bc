// The form that creates a campaign (POST /api/v1/campaigns, docs/api.md):
// key and channel required; the server's refusal is shown under the field
// it names.
import { useState } from 'preact/hooks';
import { post } from './api';
import { CampaignFacts, FieldError, Problem, problemOf } from './campaign_shared';

const kChannels = ['telemarketing', 'email', 'web', 'webinar', 'event', 'direct_mail', 'social', 'referral', 'partner'];
const kFields = ['key', 'name', 'channel', 'owner', 'vendor', 'cost', 'currency', 'starts_on', 'ends_on'] as const;
type Field = (typeof kFields)[number];
const kLabels: Record<Field, string> = {
  key: 'Key',
  name: 'Name',
  channel: 'Channel',
  owner: 'Owner',
  vendor: 'Vendor',
  cost: 'Cost',
  currency: 'Currency',
  starts_on: 'Starts on',
  ends_on: 'Ends on',
};
const kEmpty: Record<Field, string> = {
  key: '',
  name: '',
  channel: 'web',
  owner: '',
  vendor: '',
  cost: '',
  currency: 'USD',
  starts_on: '',
  ends_on: '',
};

export function CampaignForm({ onCreated }: { onCreated: (c: CampaignFacts) => void }) {
  const [values, setValues] = useState<Record<Field, string>>(kEmpty);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setCreated('');
    const body: Record<string, string> = {};
    for (const f of kFields) if (values[f].trim()) body[f] = values[f].trim();
    try {
      const c = await post<CampaignFacts>('/api/v1/campaigns', body);
      setProblem(null);
      setValues(kEmpty);
      setCreated(`Campaign ${c.name} (${c.key}) created.`);
      onCreated(c);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: Field, type = 'text', extra: Record<string, unknown> = {}) => {
    const bad = problem?.field === f;
    return (
      <div class="field" key={f}>
        <label for={'nc-' + f}>{kLabels[f]}</label>
        <input
          id={'nc-' + f}
          value={values[f]}
          aria-invalid={bad ? 'true' : undefined}
          aria-describedby={bad ? 'nc-' + f + '-error' : undefined}
          onInput={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
          {...({ type, ...extra } as Record<string, unknown>)}
        />
        <FieldError id={'nc-' + f + '-error'} problem={problem} field={f} />
      </div>
    );
  };

  return (
    <details class="panel create">
      <summary>New campaign</summary>
      <form class="form-grid" onSubmit={submit} noValidate>
        {input('key', 'text', { required: true, maxLength: 64, autocomplete: 'off' })}
        {input('name')}
        <div class="field">
          <label for="nc-channel">Channel</label>
          <select
            id="nc-channel"
            value={values.channel}
            aria-invalid={problem?.field === 'channel' ? 'true' : undefined}
            onChange={(e) => setValues({ ...values, channel: e.currentTarget.value })}
          >
            {kChannels.map((c) => (
              <option key={c} value={c}>
                {c.replace('_', ' ')}
              </option>
            ))}
          </select>
          <FieldError id="nc-channel-error" problem={problem} field="channel" />
        </div>
        {input('owner')}
        {input('vendor')}
        {input('cost', 'text', { inputMode: 'decimal' })}
        {input('currency', 'text', { maxLength: 3 })}
        {input('starts_on', 'date')}
        {input('ends_on', 'date')}
        <div class="form-actions">
          <button type="submit" disabled={busy}>
            Create campaign
          </button>
        </div>
      </form>
      {problem && !kFields.includes(problem.field as Field) && (
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
