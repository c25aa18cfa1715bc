// Every outbound delivery (docs/email.md, docs/webhooks.md), admins only:
// e-mail notifications and webhook calls, by channel and state, each with
// its attempts and a Replay button (panels/deliveries.tsx).
import { useState } from 'preact/hooks';
import { Session } from '../api';
import { Deliveries } from '../panels/deliveries';

const kChannels = [
  ['', 'All channels'],
  ['email', 'E-mail'],
  ['webhook', 'Webhooks'],
] as const;
const kStates = [
  ['', 'Any state'],
  ['pending', 'Waiting to retry'],
  ['delivered', 'Delivered'],
  ['dead', 'Dead letter'],
  ['cancelled', 'Cancelled'],
] as const;

export function DeliveriesPage({ session }: { session: Session }) {
  const [channel, setChannel] = useState('');
  const [state, setState] = useState('');
  if (!session.roles.includes('admin')) return <p role="alert">Deliveries are for admins.</p>;
  const query = [channel && `channel=${channel}`, state && `state=${state}`].filter(Boolean).join('&');
  return (
    <main class="deliveries-page">
      <h1>Deliveries</h1>
      <p class="sub">
        Every e-mail and webhook Leadloop sends: one record per message and destination, retried for about three days, then kept as a dead letter you can
        replay.
      </p>
      <div class="filters">
        <label class="field">
          Channel
          <select value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}>
            {kChannels.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          State
          <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            {kStates.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Deliveries query={query} title="Deliveries, newest first" showDestination />
    </main>
  );
}
