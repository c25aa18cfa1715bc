// Web forms (docs/forms.md): a campaign's public form, listed with the
// posts refused as bots, made and edited here, its hosted page opened and
// its snippet copied for another site. Marketing and admins only (the API
// refuses the others).
import { Fragment } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post, put, Session } from '../api';
import { Field, FormAlert } from '../ui/field';
import { ErrorAlert, Loading, Problem, problemOf } from '../ui/states';

interface ConsentBox {
  channel: string;
  wording: string;
  required: boolean;
}

export interface WebForm {
  id: number;
  key: string;
  campaign: string;
  title: string;
  fields: string[];
  required: string[];
  origins: string[];
  consents: ConsentBox[];
  double_opt_in: boolean;
  redirect_url: string;
  thank_you: string;
  min_fill_seconds: number;
  enabled: boolean;
  url: string;
  refused: { honeypot: number; too_fast: number; bad_stamp: number };
}

const kLeadFields: { key: string; label: string }[] = [
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'first_name', label: 'First name' },
  { key: 'last_name', label: 'Last name' },
  { key: 'company', label: 'Company' },
  { key: 'title', label: 'Job title' },
  { key: 'industry', label: 'Industry' },
  { key: 'country', label: 'Country' },
  { key: 'region', label: 'Region' },
  { key: 'employees', label: 'Employees' },
];
const kChannels = ['email', 'phone', 'mail'];
const kSettings = ['campaign', 'title', 'fields', 'required', 'origins', 'consents', 'double_opt_in', 'redirect_url', 'thank_you', 'min_fill_seconds'];

interface Draft {
  campaign: string;
  title: string;
  asked: Record<string, 'no' | 'optional' | 'required'>;
  attributes: string;  // "budget, timeframe"
  origins: string;     // one per line
  consents: Record<string, { on: boolean; wording: string; required: boolean }>;
  double_opt_in: boolean;
  redirect_url: string;
  thank_you: string;
  min_fill_seconds: string;
  enabled: boolean;
}

function draftOf(f: WebForm | null): Draft {
  const asked: Draft['asked'] = {};
  for (const { key } of kLeadFields) {
    asked[key] = !f ? (key === 'email' ? 'required' : 'no') : !f.fields.includes(key) ? 'no' : f.required.includes(key) ? 'required' : 'optional';
  }
  const consents: Draft['consents'] = {};
  for (const ch of kChannels) {
    const box = f?.consents.find((c) => c.channel === ch);
    consents[ch] = { on: !!box, wording: box?.wording ?? '', required: box?.required ?? false };
  }
  return {
    campaign: f?.campaign ?? '',
    title: f?.title ?? '',
    asked,
    attributes: (f?.fields ?? []).filter((x) => x.startsWith('attributes.')).map((x) => x.slice(11)).join(', '),
    origins: (f?.origins ?? []).join('\n'),
    consents,
    double_opt_in: f?.double_opt_in ?? false,
    redirect_url: f?.redirect_url ?? '',
    thank_you: f?.thank_you ?? '',
    min_fill_seconds: String(f?.min_fill_seconds ?? 3),
    enabled: f?.enabled ?? true,
  };
}

function bodyOf(d: Draft): Record<string, unknown> {
  const attributes = d.attributes.split(/[\s,]+/).filter(Boolean).map((a) => 'attributes.' + a);
  const fields = [...kLeadFields.map((f) => f.key).filter((k) => d.asked[k] !== 'no'), ...attributes];
  return {
    campaign: d.campaign,
    title: d.title,
    fields,
    required: kLeadFields.map((f) => f.key).filter((k) => d.asked[k] === 'required'),
    origins: d.origins.split(/\s+/).filter(Boolean),
    consents: kChannels
      .filter((ch) => d.consents[ch].on)
      .map((ch) => ({ channel: ch, wording: d.consents[ch].wording, required: d.consents[ch].required })),
    double_opt_in: d.double_opt_in,
    redirect_url: d.redirect_url,
    thank_you: d.thank_you,
    min_fill_seconds: Number(d.min_fill_seconds),
    enabled: d.enabled,
  };
}

function FormEditor({ form, campaigns, onSaved, onCancel }: {
  form: WebForm | null;
  campaigns: { key: string; name: string }[];
  onSaved: (f: WebForm) => void;
  onCancel?: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(form));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const id = form ? `ef${form.id}` : 'nf';

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const saved = form ? await put<WebForm>(`/api/v1/forms/${form.id}`, bodyOf(d)) : await post<WebForm>('/api/v1/forms', bodyOf(d));
      setProblem(null);
      if (!form) setD(draftOf(null));
      onSaved(saved);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  const text = (k: 'title' | 'campaign' | 'attributes' | 'origins' | 'redirect_url' | 'thank_you' | 'min_fill_seconds') =>
    (e: { currentTarget: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement }) => setD({ ...d, [k]: e.currentTarget.value });
  const consent = (ch: string, change: Partial<Draft['consents'][string]>) =>
    setD({ ...d, consents: { ...d.consents, [ch]: { ...d.consents[ch], ...change } } });

  return (
    <form class="form-grid web-form-editor" onSubmit={submit} noValidate>
      <Field id={`${id}-title`} label="Title (the page's heading)" field="title" problem={problem} wide>
        {(c) => <input {...c} value={d.title} onInput={text('title')} />}
      </Field>
      <Field id={`${id}-campaign`} label="Campaign" field="campaign" problem={problem}>
        {(c) => (
          <select {...c} value={d.campaign} onChange={text('campaign')}>
            <option value="">Choose a campaign</option>
            {campaigns.map((k) => (
              <option key={k.key} value={k.key}>
                {k.name || k.key}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset class="wide">
        <legend>Fields the form asks for</legend>
        <table class="form-fields">
          <tbody>
            {kLeadFields.map((f) => (
              <tr key={f.key}>
                <th scope="row">{f.label}</th>
                {(['no', 'optional', 'required'] as const).map((v) => (
                  <td key={v}>
                    <label>
                      <input
                        type="radio"
                        name={`${id}-ask-${f.key}`}
                        checked={d.asked[f.key] === v}
                        onChange={() => setD({ ...d, asked: { ...d.asked, [f.key]: v } })}
                      />{' '}
                      {v === 'no' ? 'not asked' : v}
                    </label>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {problem?.field === 'fields' || problem?.field === 'required' ? <p class="field-error" role="alert">{problem.message}</p> : null}
      </fieldset>
      <Field id={`${id}-attributes`} label="Free attributes asked (optional), comma-separated" field="attributes" problem={problem} wide>
        {(c) => <input {...c} value={d.attributes} onInput={text('attributes')} placeholder="budget, timeframe" />}
      </Field>
      <fieldset class="wide">
        <legend>Consent boxes (the wording is recorded with the consent)</legend>
        {kChannels.map((ch) => (
          <div key={ch} class="consent-row">
            <label>
              <input type="checkbox" checked={d.consents[ch].on} onChange={(e) => consent(ch, { on: e.currentTarget.checked })} /> {ch}
            </label>
            {d.consents[ch].on && (
              <>
                <label>
                  Wording for {ch}{' '}
                  <input value={d.consents[ch].wording} onInput={(e) => consent(ch, { wording: e.currentTarget.value })} />
                </label>
                <label>
                  <input type="checkbox" checked={d.consents[ch].required} onChange={(e) => consent(ch, { required: e.currentTarget.checked })} /> must be ticked
                </label>
              </>
            )}
          </div>
        ))}
        <label>
          <input type="checkbox" checked={d.double_opt_in} onChange={(e) => setD({ ...d, double_opt_in: e.currentTarget.checked })} /> Double opt-in: e-mail consent waits for the confirmation link
        </label>
        {problem?.field === 'consents' || problem?.field === 'double_opt_in' ? <p class="field-error" role="alert">{problem.message}</p> : null}
      </fieldset>
      <Field id={`${id}-origins`} label="Sites that may embed the snippet (origins, one per line)" field="origins" problem={problem} wide>
        {(c) => <textarea {...c} rows={2} value={d.origins} onInput={text('origins')} placeholder="https://www.example.com" />}
      </Field>
      <Field id={`${id}-thanks`} label="Thank-you text" field="thank_you" problem={problem} wide>
        {(c) => <input {...c} value={d.thank_you} onInput={text('thank_you')} />}
      </Field>
      <Field id={`${id}-redirect`} label="Or a page to go to after sending (URL)" field="redirect_url" problem={problem} wide>
        {(c) => <input {...c} value={d.redirect_url} onInput={text('redirect_url')} />}
      </Field>
      <Field id={`${id}-fill`} label="Minimum fill time (seconds)" field="min_fill_seconds" problem={problem}>
        {(c) => <input {...c} inputMode="numeric" value={d.min_fill_seconds} onInput={text('min_fill_seconds')} />}
      </Field>
      {form && (
        <label class="field wide">
          <input type="checkbox" checked={d.enabled} onChange={(e) => setD({ ...d, enabled: e.currentTarget.checked })} /> Open (a closed form answers "not found")
        </label>
      )}
      <FormAlert problem={problem} fields={kSettings} />
      <div class="actions wide">
        <button type="submit" disabled={busy}>
          {form ? 'Save the form' : 'Create the form'}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function Snippet({ form }: { form: WebForm }) {
  const [html, setHtml] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    get<{ html: string }>(`/api/v1/forms/${form.id}/snippet`)
      .then((s) => setHtml(s.html))
      .catch((e) => setProblem(problemOf(e)));
  }, [form.id]);
  const copy = async () => {
    if (!html) return;
    await navigator.clipboard.writeText(html).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <div class="snippet">
      <ErrorAlert error={problem} />
      <label for={`snippet-${form.id}`}>Snippet for {form.origins.length ? form.origins.join(', ') : 'another site (add its origin first)'}</label>
      <textarea id={`snippet-${form.id}`} readOnly rows={6} value={html ?? 'Loading…'} />
      <button type="button" onClick={copy} disabled={!html}>
        Copy the snippet
      </button>
      {copied && <span role="status"> Copied.</span>}
    </div>
  );
}

export function Forms({ session: _session }: { session: Session }) {
  const [forms, setForms] = useState<WebForm[] | null>(null);
  const [campaigns, setCampaigns] = useState<{ key: string; name: string }[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [snippet, setSnippet] = useState<number | null>(null);
  const [saved, setSaved] = useState('');

  const refresh = useCallback(async () => {
    try {
      setForms((await get<{ forms: WebForm[] }>('/api/v1/forms')).forms);
      setProblem(null);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, []);
  useEffect(() => {
    void refresh();
    get<{ campaigns: { key: string; name: string }[] }>('/api/v1/campaigns')
      .then((c) => setCampaigns(c.campaigns))
      .catch(() => undefined);
  }, [refresh]);

  const onSaved = (f: WebForm) => {
    setSaved(`Form "${f.title}" saved.`);
    setEditing(null);
    void refresh();
  };

  return (
    <>
      <div class="page-head">
        <h1>Web forms</h1>
        <p class="sub">A form per campaign: a hosted page, or a snippet for your own site. Leads come in like every other lead.</p>
      </div>
      <details class="panel create">
        <summary>New form</summary>
        <FormEditor form={null} campaigns={campaigns} onSaved={onSaved} />
      </details>
      {saved && <p role="status">{saved}</p>}
      <ErrorAlert error={problem} />
      {!forms && !problem && <Loading>Loading the forms…</Loading>}
      {forms && (
        <section class="panel" aria-labelledby="forms-h">
          <h2 id="forms-h">Forms ({forms.length})</h2>
          {forms.length === 0 ? (
            <p>No form yet.</p>
          ) : (
            <table class="web-forms">
              <thead>
                <tr>
                  <th scope="col">Form</th>
                  <th scope="col">Campaign</th>
                  <th scope="col">State</th>
                  <th scope="col">Refused as bots</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {forms.map((f) => (
                  <Fragment key={f.id}>
                    <tr>
                      <th scope="row">{f.title}</th>
                      <td>{f.campaign}</td>
                      <td>{f.enabled ? 'open' : 'closed'}</td>
                      <td>{f.refused.honeypot + f.refused.too_fast + f.refused.bad_stamp}</td>
                      <td class="actions">
                        <a href={f.url} target="_blank" rel="noopener">
                          Open the form<span class="sr-only"> {f.title}</span>
                        </a>{' '}
                        <button type="button" class="secondary" onClick={() => setEditing(editing === f.id ? null : f.id)}>
                          Edit<span class="sr-only"> {f.title}</span>
                        </button>{' '}
                        <button type="button" class="secondary" onClick={() => setSnippet(snippet === f.id ? null : f.id)}>
                          Snippet<span class="sr-only"> of {f.title}</span>
                        </button>
                      </td>
                    </tr>
                    {(editing === f.id || snippet === f.id) && (
                      <tr>
                        <td colSpan={5}>
                          {editing === f.id && <FormEditor form={f} campaigns={campaigns} onSaved={onSaved} onCancel={() => setEditing(null)} />}
                          {snippet === f.id && <Snippet form={f} />}
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
