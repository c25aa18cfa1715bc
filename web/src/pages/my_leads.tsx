// The rep's home (`GET /api/v1/me/leads`): their leads due now by the SLA
// clock, today's follow-ups and the recently assigned, each lead a card
// with accept, reject with a reason and log a touch right on it; and their
// acceptance rate and speed next to their team's. One column at 375 px.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get, post, Session } from '../api';
import { count, duration, hours, label, scaleOf, share, title } from '../format';
import { kChannels, kMoves, Lead, leadName, moment } from '../lead_types';
import { pathOf } from '../routes';
import { ErrorAlert, Loading, Problem, problemOf, ProblemAlert } from '../ui/states';

export interface HomeLead extends Lead {
  owner_name: string | null;
}
interface HomeList {
  total: number;
  leads: HomeLead[];
}
interface Figures {
  assigned: number;
  accepted: number;
  acceptance_rate: number | null;
  responded: number;
  median_response_hours: number | null;
}
interface MyLeads {
  rep: { key: string; name: string; team: string | null };
  as_of: string;
  open: number;
  due_now: HomeList;
  follow_ups_today: HomeList;
  recently_assigned: HomeList;
  figures: { days: number; mine: Figures; team: (Figures & { key: string; name: string; reps: number }) | null };
}
interface RejectReason {
  code: string;
  label: string;
}

// "due in 3 h" or "overdue by 2 days", against the server's time.
function dueText(due: string | null, now: string): string {
  if (!due) return 'no deadline';
  const h = (Date.parse(due) - Date.parse(now)) / 3600000;
  return h >= 0 ? `due in ${hours(h)}` : `overdue by ${hours(-h)}`;
}

// The home's lists, in the order a rep works them.
const kSections: { id: string; heading: string; note: string; list: 'due_now' | 'follow_ups_today' | 'recently_assigned'; empty: string }[] = [
  {
    id: 'due',
    heading: 'Due now',
    note: 'Waiting for your first answer: accept, reject or touch them before the deadline.',
    list: 'due_now',
    empty: 'Nothing is waiting for your answer.',
  },
  {
    id: 'follow',
    heading: "Today's follow-ups",
    note: 'Your leads in play that go cold today or have had no touch for 7 days.',
    list: 'follow_ups_today',
    empty: 'No follow-up is due today.',
  },
  {
    id: 'recent',
    heading: 'Recently assigned',
    note: 'Given to you in the last 7 days, the newest first.',
    list: 'recently_assigned',
    empty: 'Nothing was assigned to you in the last 7 days.',
  },
];

export function MyLeadsPage({ session }: { session: Session }) {
  const [data, setData] = useState<MyLeads | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reasons, setReasons] = useState<RejectReason[]>([]);
  const [notice, setNotice] = useState('');

  const load = useCallback(async () => {
    try {
      setData(await get<MyLeads>('/api/v1/me/leads'));
      setProblem(null);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, []);
  useEffect(() => {
    void load();
    get<{ definition: { reject_reasons?: RejectReason[] } | null }>('/api/v1/definition')
      .then((d) => setReasons(d.definition?.reject_reasons ?? []))
      .catch(() => setReasons([]));
  }, [load]);

  const done = async (what: string) => {
    setNotice(what);
    await load();
  };

  return (
    <>
      <div class="page-head">
        <h1>My leads</h1>
        <p class="sub">{data ? `${data.rep.name}: ${count(data.open)} open ${data.open === 1 ? 'lead' : 'leads'}.` : `Signed in as ${session.login}.`}</p>
      </div>
      <ProblemAlert problem={problem} />
      <p role="status" class="notice" aria-live="polite">
        {notice}
      </p>
      {!data && !problem && <Loading>Loading your leads…</Loading>}
      {data && (
        <div class="home">
          {kSections.map((sec) => (
            <HomeSection key={sec.id} {...sec} list={data[sec.list]} now={data.as_of} reasons={reasons} onDone={done} />
          ))}
          <FiguresPanel data={data} />
        </div>
      )}
    </>
  );
}

function FiguresPanel({ data }: { data: MyLeads }) {
  const { mine, team, days } = data.figures;
  const scale = scaleOf([mine.median_response_hours, team?.median_response_hours]);
  return (
    <section class="panel" aria-labelledby="figures-h">
      <h2 id="figures-h">You and your team</h2>
      <p class="sub">Leads captured in the last {days} days.</p>
      <table class="home-figures">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col" class="num">
              You
            </th>
            <th scope="col" class="num">
              {team ? team.name : 'Team'}
            </th>
          </tr>
        </thead>
        <tbody>
          <tr data-figure="acceptance">
            <th scope="row">Acceptance rate</th>
            <td class="num">{share(mine.acceptance_rate)}</td>
            <td class="num">{team ? share(team.acceptance_rate) : '–'}</td>
          </tr>
          <tr data-figure="accepted">
            <th scope="row">Accepted of assigned</th>
            <td class="num">
              {count(mine.accepted)} of {count(mine.assigned)}
            </td>
            <td class="num">{team ? `${count(team.accepted)} of ${count(team.assigned)}` : '–'}</td>
          </tr>
          <tr data-figure="speed">
            <th scope="row">Median first answer</th>
            <td class="num">{duration(mine.median_response_hours, scale)}</td>
            <td class="num">{team ? duration(team.median_response_hours, scale) : '–'}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

interface SectionProps {
  id: string;
  heading: string;
  note: string;
  list: HomeList;
  now: string;
  reasons: RejectReason[];
  onDone: (what: string) => Promise<void>;
  empty: string;
}

function HomeSection({ id, heading, note, list, now, reasons, onDone, empty }: SectionProps) {
  return (
    <section class="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        {heading} <span class="count">({count(list.total)})</span>
      </h2>
      <p class="sub">
        {note}
        {list.total > list.leads.length && ` The first ${count(list.leads.length)} are shown.`}
      </p>
      {list.leads.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul class="home-cards" aria-label={heading}>
          {list.leads.map((l) => (
            <LeadCard key={l.id} section={id} lead={l} now={now} reasons={reasons} onDone={onDone} />
          ))}
        </ul>
      )}
    </section>
  );
}

// One lead with what the rep does with it, right here.
// `section`: the list it is in, so its controls' ids are unique on the page
// (a lead may be due now and recently assigned at once).
function LeadCard({
  section,
  lead,
  now,
  reasons,
  onDone,
}: {
  section: string;
  lead: HomeLead;
  now: string;
  reasons: RejectReason[];
  onDone: (what: string) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [reason, setReason] = useState('');
  const [channel, setChannel] = useState('call');
  const [outcome, setOutcome] = useState('');
  const [notes, setNotes] = useState('');
  const name = leadName(lead);
  const answerable = (kMoves[lead.stage] ?? []).includes('accepted');
  const waiting = lead.stage === 'assigned' && !lead.first_response_at;

  const send = async (path: string, body: Record<string, unknown>, what: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await post(path, body);
      setOutcome('');
      setNotes('');
      await onDone(what);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const accept = () => void send(`/api/v1/leads/${lead.id}/transitions`, { to: 'accepted' }, `${name}: accepted.`);
  const reject = (e: Event) => {
    e.preventDefault();
    if (!reason) return setProblem({ status: 0, message: 'Choose the reason for the rejection.', field: 'reason' });
    const text = reasons.find((r) => r.code === reason)?.label ?? reason;
    void send(`/api/v1/leads/${lead.id}/transitions`, { to: 'rejected', reason }, `${name}: rejected (${text}).`);
  };
  const touch = (e: Event) => {
    e.preventDefault();
    const body: Record<string, string> = { channel, direction: 'outbound' };
    if (outcome.trim()) body.outcome = outcome.trim();
    if (notes.trim()) body.notes = notes.trim();
    void send(`/api/v1/leads/${lead.id}/touches`, body, `${name}: ${label(channel)} logged.`);
  };
  const f = (id: string) => `${section}-${id}-${lead.id}`;
  return (
    <li class="home-card" data-lead={lead.id}>
      <div class="card-head">
        <a href={pathOf('lead', { id: lead.id })}>{name}</a>
        {lead.company && lead.company !== name && <span class="cell-sub">{lead.company}</span>}
      </div>
      <p class="card-facts">
        <span class={`grade grade-${lead.grade ?? 'none'}`}>{lead.grade ? title(lead.grade) : 'Ungraded'}</span>
        {' · '}
        {title(lead.stage)}
        {' · '}
        {waiting ? (
          <strong class={lead.follow_up.breached ? 'late' : undefined}>{dueText(lead.follow_up.due_at, now)}</strong>
        ) : (
          <>last touch {lead.last_touch_at ? moment(lead.last_touch_at) : 'never'}</>
        )}
        {' · '}
        {lead.source_campaign}
      </p>
      <div class="card-actions">
        {answerable && (
          <button type="button" disabled={busy} onClick={accept} aria-label={`Accept ${name}`}>
            Accept
          </button>
        )}
        {answerable && reasons.length > 0 && (
          <form class="inline-form" onSubmit={reject} aria-label={`Reject ${name}`}>
            <label for={f('r')}>Reason</label>
            <select id={f('r')} value={reason} onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Choose…</option>
              {reasons.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.label}
                </option>
              ))}
            </select>
            <button type="submit" class="secondary" disabled={busy}>
              Reject
            </button>
          </form>
        )}
      </div>
      <details class="card-touch">
        <summary>Log a touch</summary>
        <form class="inline-form" onSubmit={touch} aria-label={`Log a touch on ${name}`}>
          <label for={f('c')}>Channel</label>
          <select id={f('c')} value={channel} onChange={(e) => setChannel((e.currentTarget as HTMLSelectElement).value)}>
            {kChannels.map((c) => (
              <option key={c} value={c}>
                {title(c)}
              </option>
            ))}
          </select>
          <label for={f('o')}>Outcome</label>
          <input id={f('o')} value={outcome} maxLength={64} placeholder="connected, voicemail…" onInput={(e) => setOutcome((e.currentTarget as HTMLInputElement).value)} />
          <label for={f('n')}>Note</label>
          <input id={f('n')} value={notes} maxLength={2000} onInput={(e) => setNotes((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit" disabled={busy}>
            Log the touch
          </button>
        </form>
      </details>
      <ErrorAlert error={problem} />
    </li>
  );
}
