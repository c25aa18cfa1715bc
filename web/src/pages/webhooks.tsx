// Webhooks (docs/webhooks.md), admins only: the endpoints with their state,
// a form that adds one and shows its secret once, and for the chosen
// endpoint its deliveries (panels/deliveries.tsx)
// (GET/POST /api/v1/webhooks).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post, Session } from '../api';
import { FormAlert, TextField } from '../admin_fields';
import { FormError, formError, when } from '../admin_types';
import { ErrorAlert, Loading } from '../ui/states';
import { Deliveries } from '../panels/deliveries';

interface Endpoint {
  id: number;
  url: string;
  description: string;
  event_types: string[];
  enabled: boolean;
  disabled_reason: string | null;
  allow_private: boolean;
  created_at: string;
  secret?: string;
}

export function Webhooks({ session }: { session: Session }) {
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [failure, setFailure] = useState<FormError | null>(null);
  const [made, setMade] = useState<Endpoint | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);

  const load = useCallback(async () => {
    try {
      const r = await get<{ webhooks: Endpoint[] }>('/api/v1/webhooks');
      setEndpoints(r.webhooks);
      setFailure(null);
    } catch (e) {
      setFailure(formError(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (!session.roles.includes('admin')) return <p role="alert">Webhooks are for admins.</p>;
  if (failure) return <ErrorAlert error={failure} />;
  if (!endpoints) return <Loading>Loading the webhooks…</Loading>;
  return (
    <main class="webhooks">
      <h1>Webhooks</h1>
      <p class="sub">Signed per Standard Webhooks; retried for about three days, then kept as dead letters you can replay.</p>
      {made && (
        <section class="panel secret" aria-labelledby="wh-secret-h">
          <h2 id="wh-secret-h">The secret of endpoint {made.id}</h2>
          <p class="warning">
            <strong>Copy it now: it is shown only this once.</strong> The receiver verifies each request's signature with it.
          </p>
          <label for="wh-secret">Secret</label> <input id="wh-secret" readOnly value={made.secret ?? ''} size={60} />{' '}
          <button type="button" class="secondary" onClick={() => setMade(null)}>
            I have stored it
          </button>
        </section>
      )}
      <section class="panel" aria-labelledby="wh-list-h">
        <h2 id="wh-list-h">Endpoints</h2>
        {endpoints.length === 0 ? (
          <p>No endpoints yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="endpoints">
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id} data-id={e.id}>
                    <th scope="row" class="num">
                      {e.id}
                    </th>
                    <td class="url">
                      {e.url}
                      {e.description && <div class="sub">{e.description}</div>}
                    </td>
                    <td>{e.event_types.length ? e.event_types.join(', ') : 'All'}</td>
                    <td class="state">{e.enabled ? 'Enabled' : `Disabled: ${e.disabled_reason ?? ''}`}</td>
                    <td>{when(e.created_at)}</td>
                    <td>
                      <button type="button" class="secondary" aria-label={`Deliveries of endpoint ${e.id}`} onClick={() => setChosen(e.id)}>
                        Deliveries
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewEndpoint
        onCreated={async (e) => {
          setMade(e);
          setChosen(e.id);
          await load();
        }}
      />
      {chosen !== null && <Deliveries query={`endpoint=${chosen}`} title={`Deliveries of endpoint ${chosen}`} />}
    </main>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (e: Endpoint) => Promise<void> }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    try {
      const event_types = types
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      const e = await post<Endpoint>('/api/v1/webhooks', { url, description, event_types });
      setError(null);
      setUrl('');
      setDescription('');
      setTypes('');
      await onCreated(e);
    } catch (e) {
      setError(formError(e));
    }
  };
  return (
    <section class="panel" aria-labelledby="wh-new-h">
      <h2 id="wh-new-h">Add an endpoint</h2>
      <form onSubmit={(e) => void submit(e)}>
        <FormAlert problem={error} fields={['url', 'description', 'event_types']} />
        <TextField
          id="wh-url"
          field="url"
          label="URL"
          value={url}
          onInput={setUrl}
          error={error}
          required
          hint="http or https. Private, loopback and link-local addresses are refused unless an admin allows the endpoint."
        />
        <TextField id="wh-description" field="description" label="Description" value={description} onInput={setDescription} error={error} />
        <TextField id="wh-types" field="event_types" label="Event types (comma-separated; empty: all)" value={types} onInput={setTypes} error={error} />
        <button type="submit">Add endpoint</button>
      </form>
    </section>
  );
}
