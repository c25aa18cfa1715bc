// The lead desk: the leads nobody is working — waiting for an owner (the
// queue), past their follow-up SLA, stalled in a stage — each list sortable,
// and bulk assignment of the selected leads to a rep or by the routing rules.
import { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, query, Session } from '../api';
import { count, duration, DurationScale, hoursSince, scaleOf, title } from '../format';
import { Campaign } from '../reports';
import { pathOf } from '../routes';
import { Column, DeskTable } from '../desk_table';
import { gradeRank, Lead, leadName, moment, RepLoad } from '../lead_types';
import { TableBox } from '../ui/table';
import { Loading } from '../ui/states';
import { kFirstPage, Pager, Paging } from '../ui/pager';

// A lead as the desk lists it (GET /api/v1/desk): with its owner's name.
interface DeskLead extends Lead {
  owner_name: string | null;
  stalled_since?: string; // the stalled list: when the stage last changed
  stalled_days?: number;
}
interface DeskAnswer {
  total: number;
  by_grade: Record<string, number>;
  offset: number;
  leads: DeskLead[];
  next_cursor: string | null;
}

interface AssignResult {
  lead: number;
  owner?: string;
  error?: { code: string; message: string; field?: string | null };
}
interface AssignAnswer {
  assigned: number;
  refused: number;
  results: AssignResult[];
}

// One list of the desk: a page of its rows, where it starts, how many in
// all (and per grade), and its state.
interface List<R> {
  rows: R[];
  paging: Paging; // this page's cursor and the ones before
  next: string | null;
  total: number;
  byGrade: Record<string, number> | null;
  loading: boolean;
  error: string;
}
const kNoList = { rows: [], paging: kFirstPage, next: null, total: 0, byGrade: null, loading: true, error: '' };
const kPage = 15;
const kStalledDays = [3, 7, 14, 30, 90];
type ListName = 'waiting' | 'overdue' | 'stalled';

interface DeskOptions {
  campaign: string;
  days: string;
}
function optionsFromUrl(): DeskOptions {
  const p = new URLSearchParams(location.search);
  const days = p.get('days') ?? '14';
  return { campaign: p.get('campaign') ?? '', days: kStalledDays.includes(Number(days)) ? days : '14' };
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

function LeadLink({ id, name }: { id: number; name: string }) {
  return <a href={pathOf('lead', { id })}>{name}</a>;
}

function leadCell(l: Pick<Lead, 'id' | 'first_name' | 'last_name' | 'company' | 'email'>) {
  return (
    <>
      <LeadLink id={l.id} name={leadName(l)} />
      {l.company && leadName(l) !== l.company && <span class="cell-sub">{l.company}</span>}
    </>
  );
}

const ownerCell = (l: { owner: string | null; owner_name: string | null }) => l.owner_name ?? l.owner ?? 'nobody';
const gradeCell = (g: string | null | undefined) => (g ? title(g) : 'Ungraded');

// Ages and stalls in one scale per table (format.ts scaleOf), from its rows.
const queueColumns = (scale: DurationScale): Column<DeskLead>[] => [
  { key: 'lead', label: 'Lead', value: (l) => leadName(l).toLowerCase(), show: leadCell },
  { key: 'grade', label: 'Grade', value: (l) => gradeRank(l.grade), show: (l) => gradeCell(l.grade) },
  { key: 'age', label: 'Waiting', value: (l) => Date.parse(l.created_at) * -1, show: (l) => duration(hoursSince(l.created_at), scale), num: true },
  { key: 'score', label: 'Score', value: (l) => l.score, num: true },
  { key: 'campaign', label: 'Campaign', value: (l) => l.source_campaign },
  { key: 'region', label: 'Region', value: (l) => l.region ?? '' },
  { key: 'stage', label: 'Stage', value: (l) => l.stage, show: (l) => title(l.stage) },
];

const overdueColumns = (scale: DurationScale): Column<DeskLead>[] => [
  { key: 'lead', label: 'Lead', value: (l) => leadName(l).toLowerCase(), show: leadCell },
  { key: 'grade', label: 'Grade', value: (l) => gradeRank(l.grade), show: (l) => gradeCell(l.grade) },
  { key: 'owner', label: 'Owner', value: (l) => ownerCell(l), show: ownerCell },
  {
    key: 'due',
    label: 'Follow-up due',
    value: (l) => Date.parse(l.follow_up.due_at ?? l.assigned_at ?? l.created_at),
    show: (l) => (
      <>
        {l.follow_up.breached ? 'Breached' : moment(l.follow_up.due_at)}
        {l.follow_up.breached && <span class="cell-sub">reassigned {moment(l.follow_up.due_at)}</span>}
      </>
    ),
  },
  { key: 'age', label: 'Assigned', value: (l) => -Date.parse(l.assigned_at ?? l.created_at), show: (l) => `${duration(hoursSince(l.assigned_at), scale)} ago`, num: true },
  { key: 'campaign', label: 'Campaign', value: (l) => l.source_campaign },
];

const stalledColumns = (scale: DurationScale): Column<DeskLead>[] => [
  { key: 'lead', label: 'Lead', value: (l) => leadName(l).toLowerCase(), show: leadCell },
  { key: 'days', label: 'Stalled', value: (l) => l.stalled_days ?? 0, show: (l) => duration((l.stalled_days ?? 0) * 24, scale), num: true },
  { key: 'stage', label: 'Stage', value: (l) => l.stage, show: (l) => title(l.stage) },
  { key: 'owner', label: 'Owner', value: (l) => (l.owner ? ownerCell(l) : ''), show: ownerCell },
  { key: 'grade', label: 'Grade', value: (l) => gradeRank(l.grade), show: (l) => gradeCell(l.grade) },
  { key: 'campaign', label: 'Campaign', value: (l) => l.source_campaign },
]

function gradeTotals(byGrade: Record<string, number> | null): string {
  if (!byGrade) return '';
  const parts = ['hot', 'warm', 'cold', 'ungraded'].filter((g) => byGrade[g]).map((g) => `${count(byGrade[g])} ${g}`);
  return parts.join(', ');
}

// "Amir Wang (rep-apac-2)", or the key alone for a rep not on the roster.
function repName(reps: RepLoad[] | null, key: string | undefined): string {
  const r = reps?.find((x) => x.key === key);
  return r && r.name !== r.key ? `${r.name} (${r.key})` : (key ?? '');
}

function repText(r: RepLoad): string {
  const load = r.capacity > 0 ? `${r.open_leads}/${r.capacity} open` : `${r.open_leads} open, no cap`;
  return `${r.name} (${r.key}) — ${load}${r.away ? ', away' : ''}${r.active ? '' : ', inactive'}`;
}

export function Desk({ session }: { session: Session }) {
  const [opts, setOpts] = useState<DeskOptions>(optionsFromUrl);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [reps, setReps] = useState<RepLoad[] | null>(null);
  const [repsError, setRepsError] = useState('');
  const [waiting, setWaiting] = useState<List<DeskLead>>(kNoList);
  const [overdue, setOverdue] = useState<List<DeskLead>>(kNoList);
  const [stalled, setStalled] = useState<List<DeskLead>>(kNoList);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  // What the page knows of each selected lead (it may be on another page).
  const [known, setKnown] = useState<Map<number, { name: string; owner: string | null }>>(new Map());

  const loadReps = useCallback(() => {
    get<{ reps: RepLoad[] }>('/api/v1/reps')
      .then((r) => {
        setReps(r.reps);
        setRepsError('');
      })
      .catch((e) => setRepsError(message(e)));
  }, []);

  // One page of a list.
  const loadList = useCallback(async (which: ListName, o: DeskOptions, paging: Paging) => {
    const campaign = o.campaign || undefined;
    const set = which === 'waiting' ? setWaiting : which === 'overdue' ? setOverdue : setStalled;
    set((l) => ({ ...l, loading: true }));
    try {
      const days = which === 'stalled' ? o.days : undefined;
      const a = await get<DeskAnswer>('/api/v1/desk' + query({ list: which, campaign, days, limit: kPage, cursor: paging.cursor || undefined }));
      set({ rows: a.leads, paging, next: a.next_cursor, total: a.total, byGrade: a.by_grade, loading: false, error: '' });
    } catch (e) {
      set({ ...kNoList, loading: false, error: message(e) });
    }
  }, []);

  const loadLists = useCallback(
    (o: DeskOptions, pages: Record<ListName, Paging> = { waiting: kFirstPage, overdue: kFirstPage, stalled: kFirstPage }) => {
      for (const which of ['waiting', 'overdue', 'stalled'] as ListName[]) void loadList(which, o, pages[which]);
    },
    [loadList],
  );

  useEffect(() => {
    get<{ campaigns: Campaign[] }>('/api/v1/campaigns')
      .then((c) => setCampaigns(c.campaigns))
      .catch(() => undefined);
    loadReps();
  }, [loadReps]);

  useEffect(() => {
    setWaiting(kNoList);
    setOverdue(kNoList);
    setStalled(kNoList);
    setSelected(new Set());
    loadLists(opts);
  }, [opts, loadLists]);

  const change = (key: keyof DeskOptions) => (e: Event) => {
    const next = { ...opts, [key]: (e.currentTarget as HTMLSelectElement).value };
    history.replaceState(null, '', location.pathname + query({ campaign: next.campaign, days: next.days === '14' ? '' : next.days }));
    setOpts(next);
  };

  const select = (ids: number[], on: boolean) => {
    const next = new Set(selected);
    const names = new Map(known);
    const rows = [
      ...waiting.rows.map((l) => ({ id: l.id, name: leadName(l), owner: l.owner })),
      ...overdue.rows.map((l) => ({ id: l.id, name: leadName(l), owner: l.owner })),
      ...stalled.rows.map((l) => ({ id: l.id, name: leadName(l), owner: l.owner })),
    ];
    for (const id of ids) {
      if (on) {
        next.add(id);
        const r = rows.find((x) => x.id === id);
        if (r) names.set(id, { name: r.name, owner: r.owner });
      } else next.delete(id);
    }
    setSelected(next);
    setKnown(names);
  };

  const done = () => {
    loadLists(opts, { waiting: kFirstPage, overdue: kFirstPage, stalled: stalled.paging });
    loadReps();
  };

  const unqualified = waiting.byGrade?.unqualified ?? 0;
  return (
    <>
      <div class="page-head">
        <h1>Lead desk</h1>
        <p class="sub">Leads nobody is working on: give them an owner. Hot leads first, the most urgent first.</p>
      </div>
      <form class="filters desk-filters" aria-label="Desk filters" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="d-campaign">Campaign</label>
          <select id="d-campaign" value={opts.campaign} onChange={change('campaign')}>
            <option value="">All campaigns</option>
            {campaigns.map((c) => (
              <option key={c.key} value={c.key}>
                {c.name === c.key ? c.key : `${c.name} (${c.key})`}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="d-days">Stalled for more than</label>
          <select id="d-days" value={opts.days} onChange={change('days')}>
            {kStalledDays.map((d) => (
              <option key={d} value={String(d)}>
                {d} days
              </option>
            ))}
          </select>
        </div>
      </form>

      <ul class="desk-totals" aria-label="Desk totals">
        <li data-total="waiting">
          <strong>{waiting.loading && !waiting.byGrade ? '…' : count(waiting.total)}</strong> waiting for an owner
        </li>
        <li data-total="overdue">
          <strong>{overdue.loading && !overdue.byGrade ? '…' : count(overdue.total)}</strong> past their follow-up SLA
        </li>
        <li data-total="stalled">
          <strong>{stalled.loading && !stalled.byGrade ? '…' : count(stalled.total)}</strong> stalled over {opts.days} days
        </li>
      </ul>

      <BulkAssign
        selected={selected}
        known={known}
        reps={reps}
        team={teamOf(session)}
        onDone={done}
        onClear={() => setSelected(new Set())}
      />

      <div class="desk-lists">
        <section class="panel" aria-labelledby="queue-h">
          <h2 id="queue-h">Waiting for an owner</h2>
          <p class="sub" data-sub="waiting">
            {waiting.byGrade && waiting.total > 0 && `By grade: ${gradeTotals(waiting.byGrade)}.`}
            {unqualified > 0 && ` ${count(unqualified)} unqualified ${unqualified === 1 ? 'lead is' : 'leads are'} kept off the desk.`}
          </p>
          <ListBody list={waiting} what="leads waiting">
            <DeskTable
              name="Waiting for an owner"
              rows={waiting.rows}
              columns={queueColumns(scaleOf(waiting.rows.map((l) => hoursSince(l.created_at))))}
              idOf={(l) => l.id}
              labelOf={leadName}
              selected={selected}
              onSelect={select}
              empty="No lead is waiting for an owner."
            />
          </ListBody>
          {!waiting.error && (
            <Pager label="Waiting for an owner pages" paging={waiting.paging} next={waiting.next} total={waiting.total} onChange={(p) => void loadList('waiting', opts, p)} />
          )}
        </section>

        <section class="panel" aria-labelledby="overdue-h">
          <h2 id="overdue-h">Past their follow-up SLA</h2>
          <p class="sub">
            Assigned, the deadline passed, and the owner has not answered yet.
            {overdue.byGrade && overdue.total > 0 && ` By grade: ${gradeTotals(overdue.byGrade)}.`}
            {!!overdue.byGrade?.unqualified && ` ${count(overdue.byGrade.unqualified)} unqualified kept off the desk.`}
          </p>
          <ListBody list={overdue} what="leads past their SLA">
            <DeskTable
              name="Past their follow-up SLA"
              rows={overdue.rows}
              columns={overdueColumns(scaleOf(overdue.rows.map((l) => hoursSince(l.assigned_at))))}
              idOf={(l) => l.id}
              labelOf={leadName}
              selected={selected}
              onSelect={select}
              empty="No lead is past its follow-up SLA."
            />
          </ListBody>
          {!overdue.error && (
            <Pager label="Past their follow-up SLA pages" paging={overdue.paging} next={overdue.next} total={overdue.total} onChange={(p) => void loadList('overdue', opts, p)} />
          )}
        </section>

        <section class="panel" aria-labelledby="stalled-h">
          <h2 id="stalled-h">Stalled</h2>
          <p class="sub" data-sub="stalled">
            In an open stage with no change for more than {opts.days} days: hot first, the longest stalled first.
            {stalled.byGrade && stalled.total > 0 && ` By grade: ${gradeTotals(stalled.byGrade)}.`}
            {!!stalled.byGrade?.unqualified && ` ${count(stalled.byGrade.unqualified)} unqualified kept off the desk.`}
          </p>
          <ListBody list={stalled} what="stalled leads">
            <DeskTable
              name="Stalled"
              rows={stalled.rows}
              columns={stalledColumns(scaleOf(stalled.rows.map((l) => (l.stalled_days ?? 0) * 24)))}
              idOf={(l) => l.id}
              labelOf={(l) => `${leadName(l)}, ${title(l.stage)}`}
              selected={selected}
              onSelect={select}
              empty="No lead has stalled that long."
            />
          </ListBody>
          {!stalled.error && (
            <Pager label="Stalled pages" paging={stalled.paging} next={stalled.next} total={stalled.total} onChange={(p) => void loadList('stalled', opts, p)} />
          )}
        </section>

        <RepsPanel reps={reps && teamOf(session) ? reps.filter((r) => r.team === teamOf(session)) : reps} error={repsError} />
      </div>
      <p class="scope-note">
        Leads in {session.login}'s scope{session.team ? ` (team ${session.team}: its reps' leads and the unowned leads of its region)` : ''}.
      </p>
    </>
  );
}

function ListBody<R>({ list, what, children }: { list: List<R>; what: string; children: ComponentChildren }) {
  if (list.error)
    return (
      <p role="alert" class="error">
        {list.error}
      </p>
    );
  if (list.loading && list.rows.length === 0) return <Loading>Loading the {what}…</Loading>;
  return <>{children}</>;
}

function RepsPanel({ reps, error }: { reps: RepLoad[] | null; error: string }) {
  return (
    <section class="panel" aria-labelledby="reps-h">
      <h2 id="reps-h">Reps</h2>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!reps && !error && <Loading>Loading the reps…</Loading>}
      {reps && (
        <TableBox label="Reps table">
          <table class="reps-table">
            <thead>
              <tr>
                <th scope="col">Rep</th>
                <th scope="col">Team</th>
                <th scope="col" class="num">
                  Open leads
                </th>
                <th scope="col" class="num">
                  Capacity
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {reps.map((r) => (
                <tr key={r.key} data-rep={r.key}>
                  <th scope="row">
                    {r.name}
                    {r.name !== r.key && <span class="cell-sub">{r.key}</span>}
                  </th>
                  <td>{r.team ?? '–'}</td>
                  <td class="num">{count(r.open_leads)}</td>
                  <td class="num">{r.capacity > 0 ? count(r.capacity) : 'no cap'}</td>
                  <td>{!r.active ? 'inactive' : r.away ? 'away' : 'available'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

// A sales manager bound to a team assigns to its reps only (the API says
// so too); admins and marketing to anyone.
function teamOf(s: Session): string {
  return s.team && !s.roles.includes('admin') && !s.roles.includes('marketing') ? s.team : '';
}

interface BulkProps {
  team: string; // only this team's reps are offered; '' for all
  selected: Set<number>;
  known: Map<number, { name: string; owner: string | null }>;
  reps: RepLoad[] | null;
  onDone: () => void;
  onClear: () => void;
}

// Assign the selected leads: to a rep, or as the routing rules say. Leads
// with an owner are reassignments, which need a reason.
function BulkAssign({ selected, known, reps, team, onDone, onClear }: BulkProps) {
  const [rep, setRep] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [answer, setAnswer] = useState<{ results: AssignResult[]; names: Map<number, string> } | null>(null);

  const ids = [...selected];
  const owned = ids.filter((id) => known.get(id)?.owner);
  const needsReason = owned.length > 0 && !reason.trim();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (ids.length === 0) return setError({ message: 'Select the leads to assign first.', field: 'leads' });
    if (needsReason) {
      return setError({
        message: `${owned.length === 1 ? 'One selected lead has' : `${owned.length} selected leads have`} an owner: say why it is taken from them.`,
        field: 'reason',
      });
    }
    setBusy(true);
    setError(null);
    const names = new Map(ids.map((id) => [id, known.get(id)?.name ?? `Lead ${id}`]));
    try {
      const body: { leads: number[]; rep?: string; reason?: string } = { leads: ids };
      if (rep) body.rep = rep;
      if (reason.trim()) body.reason = reason.trim();
      const a = await post<AssignAnswer>('/api/v1/assignments', body);
      setAnswer({ results: a.results, names });
      setReason('');
      onClear();
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, field: err.body.field } : { message: String(err) });
    } finally {
      setBusy(false);
    }
  };

  const assigned = answer?.results.filter((r) => !r.error).length ?? 0;
  return (
    <section class="panel bulk" aria-labelledby="bulk-h">
      <h2 id="bulk-h">Assign the selected leads</h2>
      <form class="bulk-form" onSubmit={submit}>
        <p class="bulk-count" aria-live="polite">
          {ids.length === 0 ? 'No lead selected.' : `${count(ids.length)} selected`}
          {owned.length > 0 && ` (${count(owned.length)} with an owner: a reassignment)`}
        </p>
        <div class="field">
          <label for="b-rep">Assign to</label>
          <select id="b-rep" value={rep} onChange={(e) => setRep((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">Let the routing rules choose</option>
            {(reps ?? [])
              .filter((r) => r.active && (!team || r.team === team))
              .map((r) => (
                <option key={r.key} value={r.key}>
                  {repText(r)}
                </option>
              ))}
          </select>
        </div>
        <div class="field">
          <label for="b-reason">Reason{owned.length > 0 ? ' (needed: taking leads from their owner)' : ' (optional)'}</label>
          <input
            id="b-reason"
            value={reason}
            maxLength={500}
            aria-invalid={error?.field === 'reason' ? 'true' : undefined}
            aria-describedby={error ? 'b-error' : undefined}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="form-buttons">
          <button type="submit" disabled={busy}>
            {busy ? 'Assigning…' : `Assign ${ids.length === 1 ? '1 lead' : `${count(ids.length)} leads`}`}
          </button>
          <button type="button" class="secondary" disabled={ids.length === 0} onClick={onClear}>
            Clear the selection
          </button>
        </div>
        {error && (
          <p id="b-error" role="alert" class="error">
            {error.message}
          </p>
        )}
      </form>
      {answer && (
        <div class="bulk-results">
          <p role="status">
            {count(assigned)} assigned, {count(answer.results.length - assigned)} refused.
          </p>
          <ul aria-label="Assignment results">
            {answer.results.map((r) => (
              <li key={r.lead} class={r.error ? 'refused' : 'assigned'}>
                <a href={pathOf('lead', { id: r.lead })}>{answer.names.get(r.lead) ?? `Lead ${r.lead}`}</a>{' '}
                {r.error ? (
                  <>
                    <strong>refused</strong>: {r.error.message}
                  </>
                ) : (
                  <>
                    <strong>assigned</strong> to {repName(reps, r.owner)}
                  </>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
