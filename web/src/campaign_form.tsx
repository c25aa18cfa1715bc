// The form that creates a campaign (POST /api/v1/campaigns, docs/api.md):
// key and channel required; the server's refusal is shown under the field
// it names.
import { useState } from 'preact/hooks';
import { post } from './api';
import { CampaignFacts } from './campaign_shared';
import { Field as FieldBox, FormAlert } from './ui/field';
import { Problem, problemOf } from './ui/states';

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

  const input = (f: Field, type = 'text', extra: Record<string, unknown> = {}) => (
    <FieldBox key={f} id={'nc-' + f} label={kLabels[f]} field={f} problem={problem}>
      {(c) => (
        <input
          {...c}
          value={values[f]}
          onInput={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
          {...({ type, ...extra } as Record<string, unknown>)}
        />
      )}
    </FieldBox>
  );

  return (
    <details class="panel create">
      <summary>New campaign</summary>
      <form class="form-grid" onSubmit={submit} noValidate>
        {input('key', 'text', { required: true, maxLength: 64, autocomplete: 'off' })}
        {input('name')}
        <FieldBox id="nc-channel" label="Channel" field="channel" problem={problem}>
          {(c) => (
            <select {...c} value={values.channel} onChange={(e) => setValues({ ...values, channel: e.currentTarget.value })}>
              {kChannels.map((x) => (
                <option key={x} value={x}>
                  {x.replace('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </FieldBox>
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
      <FormAlert problem={problem} fields={kFields} />
      {created && (
        <p role="status" class="ok">
          {created}
        </p>
      )}
    </details>
  );
}
