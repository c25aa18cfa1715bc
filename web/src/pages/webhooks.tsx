// Webhooks (docs/webhooks.md), admins only: the endpoints with their state,
// a form that adds one and shows its secret once, and for the chosen
// endpoint its deliveries, each with its attempts and a Replay button
// (GET/POST /api/v1/webhooks, GET /api/v1/deliveries[/{id}],
// POST /api/v1/deliveries/replay).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post, Session } from '../api';
import { FormAlert, TextField } from '../admin_fields';
import { FormError, formError, when } from '../admin_types';
import { ErrorAlert, Loading } from '../ui/states';

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

interface Attempt {
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

interface Delivery {
  id: number;
  webhook_id: string;
  type: string;
  state: 'pending' | 'delivered' | 'dead' | 'cancelled';
  attempts: number;
  next_attempt_at: string | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  attempt_log?: Attempt[];
}

const kStateText: Record<Delivery['state'], string> = {
  pending: 'Waiting to retry',
  delivered: 'Delivered',
  dead: 'Dead letter',
  cancelled: 'Cancelled',
};

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
      {chosen !== null && <Deliveries endpoint={chosen} />}
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

function Deliveries({ endpoint }: { endpoint: number }) {
  const [list, setList] = useState<Delivery[] | null>(null);
  const [open, setOpen] = useState<Delivery | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const load = useCallback(async () => {
    try {
      const r = await get<{ deliveries: Delivery[] }>(`/api/v1/deliveries?endpoint=${endpoint}&limit=1000`);
      setList(r.deliveries.reverse());
      setError(null);
    } catch (e) {
      setError(formError(e));
    }
  }, [endpoint]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [load]);
  const show = async (id: number) => {
    try {
      setOpen(await get<Delivery>(`/api/v1/deliveries/${id}`));
    } catch (e) {
      setError(formError(e));
    }
  };
  const replay = async (id: number) => {
    try {
      const r = await post<{ replayed: number[] }>('/api/v1/deliveries/replay', { ids: [id] });
      setSaid(r.replayed.length ? `Delivery ${id} will be sent again, with the same webhook-id.` : `Delivery ${id} is already on its way, or its endpoint is disabled.`);
      await load();
    } catch (e) {
      setError(formError(e));
    }
  };
  return (
    <section class="panel" aria-labelledby="wh-deliveries-h">
      <h2 id="wh-deliveries-h">Deliveries of endpoint {endpoint}</h2>
      <p role="status" class="said">
        {said}
      </p>
      <ErrorAlert error={error} />
      {!list ? (
        <Loading>Loading the deliveries…</Loading>
      ) : list.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="deliveries">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr key={d.id} data-id={d.id}>
                  <th scope="row" class="num">
                    {d.id}
                  </th>
                  <td>{d.type}</td>
                  <td class="state">
                    {kStateText[d.state]}
                    {d.state === 'pending' && d.next_attempt_at ? ` (next ${when(d.next_attempt_at)})` : ''}
                  </td>
                  <td class="num">{d.attempts}</td>
                  <td>{d.last_error ?? (d.last_status ? `HTTP ${d.last_status}` : '–')}</td>
                  <td>{when(d.created_at)}</td>
                  <td class="row-actions">
                    <button type="button" class="secondary" aria-label={`Attempts of delivery ${d.id}`} onClick={() => void show(d.id)}>
                      Attempts
                    </button>
                    <button type="button" class="secondary" aria-label={`Replay delivery ${d.id}`} onClick={() => void replay(d.id)}>
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && (
        <div class="attempts">
          <h3>
            Attempts of delivery {open.id} <code>{open.webhook_id}</code>
          </h3>
          <ol>
            {(open.attempt_log ?? []).map((a, i) => (
              <li key={i}>
                {when(a.at)}: {a.status ? `HTTP ${a.status}` : 'no answer'}
                {a.error ? ` (${a.error})` : ''}, {a.duration_ms} ms
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
