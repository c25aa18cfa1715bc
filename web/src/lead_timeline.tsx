// A lead's history in words: every event type of the timeline
// (GET /api/v1/leads/{id}/timeline) as a sentence and its details; a type
// this page does not know shows its payload as it is. And the feedback
// thread: sales' answers and the notes on the lead, from the same events.
import { ComponentChildren } from 'preact';
import { date, label, moneyCents, person, title } from './format';
import { LeadEvent, moment } from './lead_types';

type Payload = Record<string, unknown>;

const text = (v: unknown): string => {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};
const str = (p: Payload, k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : '');
const obj = (p: Payload, k: string) =>
  p[k] && typeof p[k] === 'object' && !Array.isArray(p[k]) ? (p[k] as Payload) : null;

// name: value pairs, as text.
function Pairs({ of, skip = [] }: { of: Payload | null; skip?: string[] }) {
  if (!of) return null;
  const entries = Object.entries(of).filter(([k, v]) => !skip.includes(k) && v !== null && v !== '' && v !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl class="pairs">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{label(k)}</dt>
          <dd>{typeof v === 'object' && v && !Array.isArray(v) ? <Pairs of={v as Payload} /> : text(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Note({ children }: { children: ComponentChildren }) {
  return <blockquote class="note-text">{children}</blockquote>;
}

// A deal's amount: the events carry cents (amount_cents, revenue_cents).
const cents = (v: unknown) => (typeof v === 'number' ? moneyCents(v) : text(v));

interface Told {
  what: ComponentChildren;
  more?: ComponentChildren;
}

function stageChange(p: Payload): Told {
  const bits: string[] = [];
  if (str(p, 'reason')) bits.push(`reason: ${label(str(p, 'reason'))}`);
  if (p.amount_cents !== undefined && p.amount_cents !== null) bits.push(`amount ${cents(p.amount_cents)}`);
  if (p.revenue_cents !== undefined && p.revenue_cents !== null) bits.push(`revenue ${cents(p.revenue_cents)}`);
  if (str(p, 'expected_close')) bits.push(`expected close ${date(str(p, 'expected_close'))}`);
  if (str(p, 'on_behalf_of')) bits.push(`for ${person(str(p, 'on_behalf_of'))}`);
  if (str(p, 'exit')) bits.push(`left the funnel: ${label(str(p, 'exit'))}`);
  return {
    what: (
      <>
        Stage {label(str(p, 'from') || '?')} → <strong>{label(str(p, 'to') || '?')}</strong>
        {bits.length > 0 && ` (${bits.join('; ')})`}
      </>
    ),
    more: (
      <>
        {str(p, 'queued') && <p class="cell-sub">Queued: {str(p, 'queued')}</p>}
        {str(p, 'note') && <Note>{str(p, 'note')}</Note>}
      </>
    ),
  };
}

// The sentence and details of one event.
export function tell(e: LeadEvent): Told {
  const p = e.payload ?? {};
  switch (e.type) {
    case 'captured':
      return {
        what: (
          <>
            Captured via {str(p, 'via') || 'unknown'}
            {str(p, 'grade') && `, graded ${label(str(p, 'grade'))}`}
            {typeof p.score === 'number' && ` with score ${p.score}`}
          </>
        ),
        more: <Pairs of={obj(p, 'lead')} />,
      };
    case 'recaptured': {
      const conflicts = Array.isArray(p.conflicts) ? (p.conflicts as Payload[]) : [];
      return {
        what: (
          <>
            Captured again from {str(p, 'campaign') || 'a campaign'} via {str(p, 'via') || 'unknown'} (the same{' '}
            {label(str(p, 'matched_on') || 'person')})
          </>
        ),
        more: (
          <>
            {obj(p, 'filled') && Object.keys(obj(p, 'filled')!).length > 0 && (
              <>
                <p class="cell-sub">Filled in:</p>
                <Pairs of={obj(p, 'filled')} />
              </>
            )}
            {conflicts.length > 0 && (
              <>
                <p class="cell-sub">Conflicts (the lead kept its value):</p>
                <ul class="conflicts">
                  {conflicts.map((c, i) => (
                    <li key={i}>
                      {label(text(c.field))}: kept “{text(c.kept)}”, offered “{text(c.offered)}”
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        ),
      };
    }
    case 'touched':
      return {
        what: (
          <>
            {title(str(p, 'direction') || 'outbound')} {label(str(p, 'channel') || 'touch')}
            {str(p, 'outcome') && `: ${label(str(p, 'outcome'))}`}
            {str(p, 'campaign') && ` (${str(p, 'campaign')})`}
          </>
        ),
        more: (
          <>
            {str(p, 'notes') && <Note>{str(p, 'notes')}</Note>}
            {obj(p, 'data_points') && Object.keys(obj(p, 'data_points')!).length > 0 && (
              <>
                <p class="cell-sub">Answers:</p>
                <Pairs of={obj(p, 'data_points')} />
              </>
            )}
          </>
        ),
      };
    case 'grade_changed':
      return {
        what: (
          <>
            Grade {label(str(p, 'from') || 'none')} → <strong>{label(str(p, 'to') || 'none')}</strong>
            {typeof p.score === 'number' && `, score ${p.score}`}
            {p.definition_version !== undefined && p.definition_version !== null && ` (definition v${text(p.definition_version)})`}
          </>
        ),
        more: str(p, 'summary') && <p class="cell-sub">{str(p, 'summary')}</p>,
      };
    case 'stage_changed':
      return stageChange(p);
    case 'assigned':
      return {
        what: (
          <>
            Assigned to <strong>{str(p, 'owner') || 'nobody'}</strong>
            {str(p, 'previous_owner') && `, taken from ${str(p, 'previous_owner')}`}
            {str(p, 'team') && ` (team ${str(p, 'team')})`}
          </>
        ),
        more: (
          <p class="cell-sub">
            {str(p, 'rule') === 'manual' ? 'By hand' : str(p, 'rule') ? `Rule: ${str(p, 'rule')}` : ''}
            {str(p, 'reason') && ` · reason: ${label(str(p, 'reason'))}`}
            {str(p, 'sla_due_at') && ` · follow up by ${moment(str(p, 'sla_due_at'))}`}
          </p>
        ),
      };
    case 'sla_breached':
      return {
        what: (
          <>
            Follow-up SLA missed by {str(p, 'owner') || 'the owner'} (due {moment(str(p, 'due_at'))})
          </>
        ),
        more: (
          <p class="cell-sub">
            {str(p, 'manager') && `${str(p, 'manager')} was told. `}
            {str(p, 'reassign_at') && `Reassigned at ${moment(str(p, 'reassign_at'))} unless the owner acts.`}
          </p>
        ),
      };
    case 'decayed':
      return {
        what: (
          <>
            Went {label(str(p, 'from') || 'warm')} → {label(str(p, 'to') || 'cold')} after {text(p.days)} days without a
            touch
          </>
        ),
        more: <p class="cell-sub">Last touch: {moment(str(p, 'last_touch_at'))}</p>,
      };
    case 'reviewed':
      return {
        what: (
          <>
            Accuracy review: <strong>{p.was_lead === true ? 'was a lead' : p.was_lead === false ? 'was not a lead' : text(p.was_lead)}</strong>
            {str(p, 'grade') && ` (graded ${label(str(p, 'grade'))})`}
          </>
        ),
        more: str(p, 'note') && <Note>{str(p, 'note')}</Note>,
      };
    case 'consent_changed': {
      const channels = obj(p, 'channels') ?? {};
      return {
        what: (
          <>
            Consent changed:{' '}
            {Object.entries(channels)
              .map(([ch, v]) => `${ch} ${text((v as Payload)?.from)} → ${text((v as Payload)?.to)}`)
              .join(', ') || 'no channel'}
            {str(p, 'source') && ` (source: ${str(p, 'source')})`}
          </>
        ),
        more: str(p, 'note') && <Note>{str(p, 'note')}</Note>,
      };
    }
    case 'timer_cleared':
      return { what: <>A follow-up timer was cleared: the lead had moved on</> };
    case 'erased':
      return { what: <>Personal data erased</>, more: <Pairs of={p} /> };
    // Nurture programmes (docs/nurture.md).
    case 'enrolled':
      return {
        what: (
          <>
            Enrolled in nurture programme {str(p, 'programme')} (version {text(p.version)})
            {p.holdout === true && ', in the hold-out: counted, never mailed'}
          </>
        ),
      };
    case 'step_sent':
      return {
        what: (
          <>
            Programme {str(p, 'programme')} mailed step {str(p, 'key')} ({str(p, 'template')})
            {p.tracked === true ? ', with open and click tracking' : ''}
          </>
        ),
      };
    case 'step_skipped':
    case 'step_deferred':
      return {
        what: (
          <>
            Programme {str(p, 'programme')} {e.type === 'step_skipped' ? 'skipped' : 'put off'} step {str(p, 'key')}:{' '}
            {label(str(p, 'reason'))}
          </>
        ),
      };
    case 'nurture_exited':
      return { what: <>Left nurture programme {str(p, 'programme')}: {label(str(p, 'reason'))}</> };
    default:
      return { what: <>{title(e.type)}</>, more: <Pairs of={p} /> };
  }
}

export function Timeline({ events }: { events: LeadEvent[] }) {
  if (events.length === 0) return <p>No events yet.</p>;
  return (
    <ol class="timeline">
      {events.map((e) => {
        const t = tell(e);
        return (
          <li key={e.id} class={'event ev-' + e.type.replace(/[^a-z_]/g, '')} data-type={e.type}>
            <p class="event-head">
              <span class="event-type">{label(e.type)}</span>
              <time dateTime={e.at}>{moment(e.at)}</time>
              <span class="event-actor" title={e.actor}>by {person(e.actor)}</span>
            </p>
            <p class="event-what">{t.what}</p>
            {t.more}
          </li>
        );
      })}
    </ol>
  );
}

const kAnswers = ['accepted', 'rejected', 'working', 'opportunity', 'won', 'lost', 'disqualified'];

// Sales' feedback and the notes on the lead: answers (accept, reject, the
// outcome), notes on moves and touches, accuracy reviews. Newest first.
export function feedbackOf(events: LeadEvent[]): LeadEvent[] {
  return events
    .filter((e) => {
      const p = e.payload ?? {};
      if (e.type === 'stage_changed') return kAnswers.includes(str(p, 'to')) || !!str(p, 'note');
      if (e.type === 'touched') return !!str(p, 'notes');
      if (e.type === 'reviewed') return true;
      if (e.type === 'consent_changed') return !!str(p, 'note');
      return false;
    })
    .reverse();
}

export function FeedbackThread({ events }: { events: LeadEvent[] }) {
  const items = feedbackOf(events);
  if (items.length === 0) return <p>No feedback or notes on this lead yet.</p>;
  return (
    <ul class="thread">
      {items.map((e) => {
        const t = tell(e);
        const p = e.payload ?? {};
        return (
          <li key={e.id}>
            <p class="event-head">
              <strong class="event-actor" title={e.actor}>{person(e.actor)}</strong>
              {str(p, 'on_behalf_of') && <span> for {person(str(p, 'on_behalf_of'))}</span>}
              <time dateTime={e.at}>{moment(e.at)}</time>
            </p>
            <p class="event-what">{t.what}</p>
            {t.more}
          </li>
        );
      })}
    </ul>
  );
}
