// A list of deliveries (GET /api/v1/deliveries?<query>), newest first, each
// with its attempts and a Replay button (GET /api/v1/deliveries/{id},
// POST /api/v1/deliveries/replay); refreshed every 2 s. The webhooks page
// shows one endpoint's, the deliveries page every channel's.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post } from '../api';
import { FormError, formError, when } from '../admin_types';
import { ErrorAlert, Loading } from '../ui/states';

interface Attempt {
  at: string;
  status: number | null;
  error: string | null;
  duration_ms: number;
}

export interface Delivery {
  id: number;
  webhook_id: string;
  channel: 'webhook' | 'email';
  destination: string;
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

// An answer's code: HTTP for a webhook, the SMTP reply for an e-mail.
const answer = (channel: Delivery['channel'], status: number | null) =>
  status ? `${channel === 'email' ? 'SMTP' : 'HTTP'} ${status}` : 'no answer';

// Where it goes: an e-mail address, or a webhook endpoint by id.
const destination = (d: Delivery) =>
  d.channel === 'email' ? d.destination.replace(/^email:/, '') : `endpoint ${d.destination.replace(/^webhook:/, '')}`;

export function Deliveries({ query, title, showDestination = false }: { query: string; title: string; showDestination?: boolean }) {
  const [list, setList] = useState<Delivery[] | null>(null);
  const [more, setMore] = useState(false);
  const [open, setOpen] = useState<Delivery | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const load = useCallback(async () => {
    try {
      const r = await get<{ deliveries: Delivery[]; next: number | null }>(`/api/v1/deliveries?${query}${query ? '&' : ''}limit=1000`);
      setList(r.deliveries.reverse());
      setMore(r.next !== null);
      setError(null);
    } catch (e) {
      setError(formError(e));
    }
  }, [query]);
  useEffect(() => {
    setList(null);
    setOpen(null);
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
  const replay = async (d: Delivery) => {
    try {
      const r = await post<{ replayed: number[] }>('/api/v1/deliveries/replay', { ids: [d.id] });
      const same = d.channel === 'email' ? 'as the same message' : 'with the same webhook-id';
      setSaid(r.replayed.length ? `Delivery ${d.id} will be sent again, ${same}.` : `Delivery ${d.id} is already on its way, or its endpoint is disabled.`);
      await load();
    } catch (e) {
      setError(formError(e));
    }
  };
  return (
    <section class="panel" aria-labelledby="deliveries-h">
      <h2 id="deliveries-h">{title}</h2>
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
          {more && <p class="sub">The first 1,000 shown; narrow the filter for the others.</p>}
          <table class="deliveries">
            <thead>
              <tr>
                <th scope="col">ID</th>
                {showDestination && <th scope="col">To</th>}
                <th scope="col">Message</th>
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
                  {showDestination && (
                    <td class="destination">
                      <span class={`channel ${d.channel}`}>{d.channel === 'email' ? 'E-mail' : 'Webhook'}</span> {destination(d)}
                    </td>
                  )}
                  <td>{d.type}</td>
                  <td class="state">
                    {kStateText[d.state]}
                    {d.state === 'pending' && d.next_attempt_at ? ` (next ${when(d.next_attempt_at)})` : ''}
                  </td>
                  <td class="num">{d.attempts}</td>
                  <td>{d.last_error ?? (d.last_status ? answer(d.channel, d.last_status) : '–')}</td>
                  <td>{when(d.created_at)}</td>
                  <td class="row-actions">
                    <button type="button" class="secondary" aria-label={`Attempts of delivery ${d.id}`} onClick={() => void show(d.id)}>
                      Attempts
                    </button>
                    <button type="button" class="secondary" aria-label={`Replay delivery ${d.id}`} onClick={() => void replay(d)}>
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
                {when(a.at)}: {answer(open.channel, a.status)}
                {a.error ? ` (${a.error})` : ''}, {a.duration_ms} ms
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
