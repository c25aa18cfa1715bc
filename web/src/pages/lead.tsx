// A lead's page: its fields, consent, grade with the reasons and the score
// that adds up from them, follow-up, accept / reject and the other moves,
// logging a touch, the feedback thread and the full timeline. A lead that
// does not exist or is outside the caller's scope shows the API's 404.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, Session } from '../api';
import { label, title } from '../format';
import { pathOf } from '../routes';
import { FeedbackThread, Timeline } from '../lead_timeline';
import { age, kChannels, kMoves, Lead, leadName, moment, RepLoad, Timeline as TimelineData } from '../lead_types';
import { TableBox } from '../ui/table';
import { Enrolments } from '../nurture';
import { ErrorAlert, Loading } from '../ui/states';

interface RejectReason {
  code: string;
  label: string;
}
interface ActiveDefinition {
  version: number;
  definition: { reject_reasons?: RejectReason[] } | null;
}

interface Loaded {
  lead: Lead;
  timeline: TimelineData;
}

const kSalesSide = ['admin', 'marketing', 'sales_manager', 'sales_rep'];
const kLeadWorkers = [...kSalesSide, 'vendor'];
const kManagers = ['admin', 'marketing', 'sales_manager'];

type Problem = { message: string; field?: string | null } | null;
const problemOf = (e: unknown): Problem =>
  e instanceof ApiError ? { message: e.message, field: e.body.field } : { message: String(e) };

export function LeadPage({ session, id }: { session: Session; id: string }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<{ status: number; message: string } | null>(null);
  const [reasons, setReasons] = useState<RejectReason[] | null>(null); // null: being read
  const [notice, setNotice] = useState('');
  // The roster, to name the owner (the sales side reads it; others get keys).
  const [reps, setReps] = useState<RepLoad[]>([]);

  const load = useCallback(async () => {
    try {
      const [lead, timeline] = await Promise.all([
        get<Lead>(`/api/v1/leads/${encodeURIComponent(id)}`),
        get<TimelineData>(`/api/v1/leads/${encodeURIComponent(id)}/timeline`),
      ]);
      setData({ lead, timeline });
      setFailure(null);
    } catch (e) {
      setData(null);
      setFailure(e instanceof ApiError ? { status: e.status, message: e.message } : { status: 0, message: String(e) });
    }
  }, [id]);

  useEffect(() => {
    setData(null);
    setFailure(null);
    setNotice('');
    void load();
  }, [load]);

  useEffect(() => {
    if (!session.roles.some((r) => kSalesSide.includes(r))) return;
    get<{ reps: RepLoad[] }>('/api/v1/reps')
      .then((r) => setReps(r.reps))
      .catch(() => setReps([]));
  }, [session]);

  useEffect(() => {
    get<ActiveDefinition>('/api/v1/definition')
      .then((d) => setReasons(d.definition?.reject_reasons ?? []))
      .catch(() => setReasons([]));
  }, []);

  if (failure) {
    return (
      <section class="lead-missing">
        <h1>{failure.status === 404 ? 'Lead not found' : 'This lead cannot be shown'}</h1>
        <p role="alert" class="error">
          {failure.message}
        </p>
        <p>
          <a href={pathOf('leads')}>Back to the leads</a>
        </p>
      </section>
    );
  }
  if (!data) return <Loading>Loading lead {id}…</Loading>;

  const { lead, timeline } = data;
  const rep = reps.find((r) => r.key === lead.owner);
  const ownerName = !lead.owner ? 'nobody' : rep && rep.name !== rep.key ? `${rep.name} (${rep.key})` : lead.owner;
  const may = (roles: string[]) => session.roles.some((r) => roles.includes(r));
  const changed = async (what: string) => {
    setNotice(what);
    await load();
  };
  return (
    <>
      <div class="page-head lead-head">
        <div>
          <p class="crumbs">
            <a href={pathOf('leads')}>Leads</a> › Lead {lead.id}
          </p>
          <h1>{leadName(lead)}</h1>
          <p class="sub">
            {[lead.title, lead.company].filter((s) => !!s).join(' at ') || 'No company or title'}
          </p>
        </div>
        <p class="badges">
          <span class="badge stage" data-stage={lead.stage}>
            Stage: {label(lead.stage)}
          </span>
          <span class="badge grade">Grade: {lead.grade ? label(lead.grade) : 'not graded'}</span>
          <span class="badge">Score: {lead.score}</span>
        </p>
      </div>
      {notice && (
        <p role="status" class="ok notice">
          {notice}
        </p>
      )}
      <div class="lead-grid">
        <Fields lead={lead} owner={ownerName} />
        <Grade lead={lead} />
        <FollowUp lead={lead} owner={ownerName} />
        {may(kSalesSide) && <Moves lead={lead} reasons={reasons} forOthers={may(kManagers)} onDone={changed} />}
        {may(kLeadWorkers) && <LogTouch lead={lead} onDone={changed} />}
        {may(kLeadWorkers) && <Enrolments leadId={lead.id} />}
        <section class="panel" aria-labelledby="thread-h">
          <h2 id="thread-h">Feedback and notes</h2>
          <FeedbackThread events={timeline.events} />
        </section>
        <section class="panel timeline-panel" aria-labelledby="timeline-h">
          <h2 id="timeline-h">Timeline</h2>
          <p class="sub">{timeline.events.length} events, oldest first.</p>
          <Timeline events={timeline.events} />
        </section>
      </div>
    </>
  );
}

// `owner`: the owner as people read it, "Amir Wang (rep-apac-2)".
function Fields({ lead, owner }: { lead: Lead; owner: string }) {
  const rows: [string, string][] = [
    ['Email', lead.email ?? '–'],
    ['Phone', lead.phone ?? '–'],
    ['First name', lead.first_name ?? '–'],
    ['Last name', lead.last_name ?? '–'],
    ['Company', lead.company ?? '–'],
    ['Title', lead.title ?? '–'],
    ['Industry', lead.industry ?? '–'],
    ['Employees', lead.employees === null ? '–' : String(lead.employees)],
    ['Country', lead.country ?? '–'],
    ['Region', lead.region ?? '–'],
    ['Campaign', lead.source_campaign],
    ['Caller', lead.caller ?? '–'],
    ['External id', lead.external_id ?? '–'],
    ['Owner', owner],
    ['Created', moment(lead.created_at)],
    ['Updated', moment(lead.updated_at)],
    ['Last touch', moment(lead.last_touch_at)],
    ['Touches', String(lead.touch_count)],
  ];
  const extra = (what: string, m: Record<string, string>) =>
    Object.keys(m).length > 0 && (
      <>
        <h3>{what}</h3>
        <dl class="facts">
          {Object.entries(m).map(([k, v]) => (
            <div key={k}>
              <dt>{label(k)}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </>
    );
  return (
    <section class="panel" aria-labelledby="fields-h">
      <h2 id="fields-h">Details</h2>
      <dl class="facts">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {extra('Attributes', lead.attributes)}
      {extra('Call answers', lead.data_points)}
      <h3>Consent</h3>
      <dl class="facts consent">
        {(['email', 'phone', 'mail'] as const).map((ch) => (
          <div key={ch}>
            <dt>{title(ch)}</dt>
            <dd class={'consent-' + lead.consent[ch]}>{lead.consent[ch]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Grade({ lead }: { lead: Lead }) {
  const g = lead.grading;
  const sum = g ? g.score_reasons.reduce((s, r) => s + r.points, 0) : 0;
  return (
    <section class="panel" aria-labelledby="grade-h">
      <h2 id="grade-h">Grade and score</h2>
      {!g ? (
        <p>Not graded: no lead definition was active when this lead last changed.</p>
      ) : (
        <>
          <p>
            <strong>{title(g.grade)}</strong>
            {lead.definition_version !== null && <> by definition version {lead.definition_version}</>}
          </p>
          <h3>Why this grade</h3>
          <ul class="reasons" aria-label="Grade reasons">
            {g.reasons.map((r, i) => (
              <li key={i} class={r.held ? 'held' : 'missed'}>
                <span class="mark">{r.held ? 'Holds' : 'Fails'}</span>: {r.says}
                <span class="cell-sub">
                  {r.inputs} ({r.rule})
                </span>
              </li>
            ))}
            {g.reasons.length === 0 && <li>No reasons given.</li>}
          </ul>
          <h3>Score</h3>
          <TableBox label="Score reasons">
            <table class="score-table">
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col">Read</th>
                  <th scope="col" class="num">
                    Points
                  </th>
                </tr>
              </thead>
              <tbody>
                {g.score_reasons.map((r, i) => (
                  <tr key={i}>
                    <th scope="row">{r.says}</th>
                    <td class="wrap">{r.inputs || '–'}</td>
                    <td class="num">{r.points > 0 ? `+${r.points}` : r.points}</td>
                  </tr>
                ))}
                {g.score_reasons.length === 0 && (
                  <tr>
                    <td colSpan={3}>No signal holds.</td>
                  </tr>
                )}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Score (the sum)
                  </th>
                  <td class="num score-total">{sum}</td>
                </tr>
              </tfoot>
            </table>
          </TableBox>
          {sum !== lead.score && (
            <p class="error">The listed points add up to {sum}, but the lead's score is {lead.score}.</p>
          )}
        </>
      )}
    </section>
  );
}

function FollowUp({ lead, owner }: { lead: Lead; owner: string }) {
  const f = lead.follow_up;
  return (
    <section class="panel" aria-labelledby="follow-h">
      <h2 id="follow-h">Follow-up</h2>
      <dl class="facts">
        <div>
          <dt>Owner</dt>
          <dd>{owner}</dd>
        </div>
        <div>
          <dt>Assigned</dt>
          <dd>{lead.assigned_at ? `${moment(lead.assigned_at)} (${age(lead.assigned_at)} ago)` : '–'}</dd>
        </div>
        <div>
          <dt>{f.breached ? 'SLA breached; reassigned at' : 'Follow up by'}</dt>
          <dd>{f.due_at ? moment(f.due_at) : 'no deadline running'}</dd>
        </div>
        <div>
          <dt>First response</dt>
          <dd>{lead.first_response_at ? moment(lead.first_response_at) : lead.owner ? 'not yet' : '–'}</dd>
        </div>
        <div>
          <dt>Turns cold</dt>
          <dd>{f.decays_at ? moment(f.decays_at) : '–'}</dd>
        </div>
      </dl>
    </section>
  );
}

interface MoveProps {
  lead: Lead;
  reasons: RejectReason[] | null;
  forOthers: boolean; // may enter feedback on behalf of a rep
  onDone: (what: string) => Promise<void>;
}

const kAnswerable = (stage: string) => (kMoves[stage] ?? []).includes('accepted');

// Accept, reject with a reason, and the other moves the stage allows.
function Moves({ lead, reasons, forOthers, onDone }: MoveProps) {
  const [reason, setReason] = useState('');
  const [behalf, setBehalf] = useState('');
  const [note, setNote] = useState('');
  const [to, setTo] = useState('');
  const [moveReason, setMoveReason] = useState('');
  const [amount, setAmount] = useState('');
  const [close, setClose] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);
  const others = (kMoves[lead.stage] ?? []).filter((s) => s !== 'accepted' && s !== 'rejected');
  const answerable = kAnswerable(lead.stage);

  const send = async (body: Record<string, unknown>, what: string) => {
    setBusy(true);
    setProblem(null);
    try {
      await post(`/api/v1/leads/${lead.id}/transitions`, body);
      setReason('');
      setNote('');
      setBehalf('');
      setTo('');
      setMoveReason('');
      setAmount('');
      setClose('');
      await onDone(what);
    } catch (e) {
      setProblem(problemOf(e));
    } finally {
      setBusy(false);
    }
  };
  const withNote = (b: Record<string, unknown>) => {
    const out: Record<string, unknown> = note.trim() ? { ...b, note: note.trim() } : { ...b };
    if (behalf.trim()) out.on_behalf_of = behalf.trim();
    return out;
  };
  const accept = () => void send(withNote({ to: 'accepted' }), 'Accepted.');
  const reject = (e: Event) => {
    e.preventDefault();
    if (!reason) return setProblem({ message: 'Choose the reason for the rejection.', field: 'reason' });
    void send(withNote({ to: 'rejected', reason }), `Rejected: ${reasons?.find((r) => r.code === reason)?.label ?? reason}.`);
  };
  const move = (e: Event) => {
    e.preventDefault();
    if (!to) return setProblem({ message: 'Choose where the lead goes.', field: 'to' });
    const body: Record<string, unknown> = withNote({ to });
    if (moveReason.trim()) body.reason = moveReason.trim();
    if (amount.trim()) {
      const n = Number(amount);
      if (!Number.isFinite(n) || n < 0) return setProblem({ message: 'The amount is a number from 0 up.', field: 'amount' });
      body[to === 'won' ? 'revenue' : 'amount'] = n;
    }
    if (close) body.expected_close = close;
    void send(body, `Moved to ${label(to)}.`);
  };
  const bad = (f: string) => (problem?.field === f ? 'true' : undefined);

  return (
    <section class="panel moves" aria-labelledby="moves-h">
      <h2 id="moves-h">Answer and move</h2>
      <div class="field">
        <label for="m-note">Note (goes with any move below)</label>
        <textarea id="m-note" rows={2} maxLength={4000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
      </div>
      {forOthers && (
        <div class="field">
          <label for="m-behalf">On behalf of (the rep who gave this feedback; optional)</label>
          <input
            id="m-behalf"
            value={behalf}
            maxLength={200}
            aria-invalid={bad('on_behalf_of')}
            onInput={(e) => setBehalf((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      )}
      {answerable ? (
        <div class="answer">
          <button type="button" disabled={busy} onClick={accept}>
            Accept
          </button>
          <form class="reject" aria-label="Reject" onSubmit={reject}>
            <div class="field">
              <label for="m-reason">Reject reason</label>
              {reasons === null || reasons.length > 0 ? (
                <select
                  id="m-reason"
                  value={reason}
                  aria-invalid={bad('reason')}
                  disabled={reasons === null}
                  onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value)}
                >
                  <option value="">{reasons === null ? 'Reading the reasons…' : 'Choose a reason…'}</option>
                  {(reasons ?? []).map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.label}
                    </option>
                  ))}
                </select>
              ) : (
                // No active definition lists the reasons: any reason goes.
                <input
                  id="m-reason"
                  value={reason}
                  maxLength={200}
                  aria-invalid={bad('reason')}
                  onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
                />
              )}
            </div>
            <button type="submit" class="danger" disabled={busy}>
              Reject
            </button>
          </form>
        </div>
      ) : (
        <p class="sub">A lead in stage {label(lead.stage)} is not accepted or rejected any more.</p>
      )}
      {others.length > 0 && (
        <form class="move" aria-label="Other moves" onSubmit={move}>
          <div class="field">
            <label for="m-to">Move to</label>
            <select id="m-to" value={to} aria-invalid={bad('to')} onChange={(e) => setTo((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Choose a stage…</option>
              {others.map((s) => (
                <option key={s} value={s}>
                  {label(s)}
                </option>
              ))}
            </select>
          </div>
          {to === 'lost' && (
            <div class="field">
              <label for="m-why">Why it was lost</label>
              <input id="m-why" value={moveReason} aria-invalid={bad('reason')} onInput={(e) => setMoveReason((e.currentTarget as HTMLInputElement).value)} />
            </div>
          )}
          {(to === 'opportunity' || to === 'won') && (
            <div class="field">
              <label for="m-amount">{to === 'won' ? 'Revenue' : 'Amount'}</label>
              <input
                id="m-amount"
                inputMode="decimal"
                value={amount}
                aria-invalid={bad(to === 'won' ? 'revenue' : 'amount')}
                onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
          )}
          {to === 'opportunity' && (
            <div class="field">
              <label for="m-close">Expected close</label>
              <input id="m-close" type="date" value={close} aria-invalid={bad('expected_close')} onChange={(e) => setClose((e.currentTarget as HTMLInputElement).value)} />
            </div>
          )}
          <button type="submit" class="secondary" disabled={busy}>
            Move
          </button>
        </form>
      )}
      <ErrorAlert error={problem} />
    </section>
  );
}

// Log a touch: a call, a mail, a meeting... with its outcome and a note.
function LogTouch({ lead, onDone }: { lead: Lead; onDone: (what: string) => Promise<void> }) {
  const [channel, setChannel] = useState('call');
  const [direction, setDirection] = useState('outbound');
  const [outcome, setOutcome] = useState('');
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      // The API wants the campaign even on a lead's own route (it would
      // default to the lead's, but the body's check comes first).
      const body: Record<string, string> = { campaign: lead.source_campaign, channel, direction };
      if (outcome.trim()) body.outcome = outcome.trim();
      if (notes.trim()) body.notes = notes.trim();
      await post(`/api/v1/leads/${lead.id}/touches`, body);
      setOutcome('');
      setNotes('');
      await onDone(`Touch logged: ${label(direction)} ${label(channel)}.`);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  const bad = (f: string) => (problem?.field === f ? 'true' : undefined);
  return (
    <section class="panel" aria-labelledby="touch-h">
      <h2 id="touch-h">Log a touch</h2>
      <form class="touch-form" onSubmit={submit}>
        <div class="field">
          <label for="t-channel">Channel</label>
          <select id="t-channel" value={channel} aria-invalid={bad('channel')} onChange={(e) => setChannel((e.currentTarget as HTMLSelectElement).value)}>
            {kChannels.map((c) => (
              <option key={c} value={c}>
                {title(c)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="t-direction">Direction</label>
          <select id="t-direction" value={direction} onChange={(e) => setDirection((e.currentTarget as HTMLSelectElement).value)}>
            <option value="outbound">Outbound (we reached out)</option>
            <option value="inbound">Inbound (they reached us)</option>
          </select>
        </div>
        <div class="field">
          <label for="t-outcome">Outcome</label>
          <input
            id="t-outcome"
            value={outcome}
            maxLength={64}
            placeholder="connected, voicemail, meeting_set…"
            aria-invalid={bad('outcome')}
            onInput={(e) => setOutcome((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field wide">
          <label for="t-notes">Note</label>
          <textarea id="t-notes" rows={3} maxLength={20000} value={notes} aria-invalid={bad('notes')} onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)} />
        </div>
        <div class="form-buttons">
          <button type="submit" disabled={busy}>
            {busy ? 'Logging…' : 'Log the touch'}
          </button>
        </div>
        <ErrorAlert error={problem} />
      </form>
    </section>
  );
}
