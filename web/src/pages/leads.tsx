// The lead list: search and filters over GET /api/v1/leads, a page at a
// time with the API's cursor. The filters and the page's cursor live in the
// URL; the cursors of the pages before it in the history entry, so
// Previous works after a reload too.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, query, Session } from '../api';
import { kGrades } from '../filters';
import { count, label } from '../format';
import { Campaign, FunnelReport, Rep } from '../reports';
import { pathOf } from '../routes';
import { day, kStages, LeadPage, leadName } from '../lead_types';
import { TableBox } from '../ui/table';
import { ErrorAlert } from '../ui/states';

interface ListFilters {
  q: string;
  campaign: string;
  stage: string;
  grade: string;
  owner: string;
  region: string;
  created_from: string; // yyyy-mm-dd
  created_to: string; // yyyy-mm-dd, exclusive
}
const kEmpty: ListFilters = { q: '', campaign: '', stage: '', grade: '', owner: '', region: '', created_from: '', created_to: '' };
const kKeys = Object.keys(kEmpty) as (keyof ListFilters)[];
const kLimit = 50;

function fromUrl(): { filters: ListFilters; cursor: string; back: string[] } {
  const p = new URLSearchParams(location.search);
  const filters = { ...kEmpty };
  for (const k of kKeys) filters[k] = p.get(k) ?? '';
  const state = history.state as { back?: unknown } | null;
  const back = Array.isArray(state?.back) ? (state.back as unknown[]).map(String) : [];
  return { filters, cursor: p.get('cursor') ?? '', back };
}

function toUrl(filters: ListFilters, cursor: string, back: string[]) {
  const path = location.pathname + query({ ...filters, cursor });
  history.replaceState({ back }, '', path);
}

interface Choices {
  campaigns: Campaign[];
  regions: string[];
  reps: Rep[];
}

export function Leads({ session }: { session: Session }) {
  const start = useRef(fromUrl()).current;
  const [filters, setFilters] = useState<ListFilters>(start.filters);
  const [draft, setDraft] = useState<ListFilters>(start.filters);
  const [cursor, setCursor] = useState(start.cursor);
  const [back, setBack] = useState<string[]>(start.back);
  const [page, setPage] = useState<LeadPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [choices, setChoices] = useState<Choices>({ campaigns: [], regions: [], reps: [] });
  const asked = useRef('');

  useEffect(() => {
    Promise.all([
      get<{ campaigns: Campaign[] }>('/api/v1/campaigns').catch(() => ({ campaigns: [] as Campaign[] })),
      get<FunnelReport>('/api/v1/reports/funnel?by=region').catch(() => ({ groups: [] }) as FunnelReport),
      get<{ reps: Rep[] }>('/api/v1/reps').catch(() => ({ reps: [] as Rep[] })),
    ]).then(([c, f, r]) =>
      setChoices({ campaigns: c.campaigns, regions: f.groups.map((g) => g.group).filter((g) => g !== ''), reps: r.reps }),
    );
  }, []);

  useEffect(() => {
    toUrl(filters, cursor, back);
    const path = '/api/v1/leads' + query({ ...filters, q: filters.q.trim(), cursor, limit: kLimit });
    asked.current = path;
    setLoading(true);
    get<LeadPage>(path)
      .then((p) => {
        if (asked.current !== path) return;
        setPage(p);
        setError(null);
      })
      .catch((e) => {
        if (asked.current !== path) return;
        setPage(null);
        setError(e instanceof ApiError ? { message: e.message, field: e.body.field } : { message: String(e) });
      })
      .finally(() => {
        if (asked.current === path) setLoading(false);
      });
  }, [filters, cursor, back]);

  const apply = (f: ListFilters) => {
    setDraft(f);
    setFilters(f);
    setCursor('');
    setBack([]);
  };
  const pick = (key: keyof ListFilters) => (e: Event) => apply({ ...draft, [key]: (e.currentTarget as HTMLSelectElement).value });
  const type = (key: keyof ListFilters) => (e: Event) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const submit = (e: Event) => {
    e.preventDefault();
    apply(draft);
  };
  const next = () => {
    if (!page?.next_cursor) return;
    setBack([...back, cursor]);
    setCursor(String(page.next_cursor));
  };
  const previous = () => {
    if (back.length === 0) return;
    setCursor(back[back.length - 1]);
    setBack(back.slice(0, -1));
  };

  const invalid = (field: string) => (error?.field === field ? 'true' : undefined);
  const select = (key: keyof ListFilters, text: string, all: string, options: { value: string; text: string }[]) => (
    <div class="field" key={key}>
      <label for={'l-' + key}>{text}</label>
      <select id={'l-' + key} value={draft[key]} onChange={pick(key)} aria-invalid={invalid(key)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
        {draft[key] && !options.some((o) => o.value === draft[key]) && <option value={draft[key]}>{draft[key]}</option>}
      </select>
    </div>
  );
  const dateField = (key: 'created_from' | 'created_to', text: string) => (
    <div class="field">
      <label for={'l-' + key}>{text}</label>
      <input id={'l-' + key} type="date" value={draft[key]} onChange={type(key)} aria-invalid={invalid(key)} />
    </div>
  );

  const rows = page?.leads ?? [];
  const pageNo = back.length + 1;
  return (
    <>
      <div class="page-head">
        <h1>Leads</h1>
        {session.vendor && <p class="sub">The leads of {session.vendor}'s campaigns.</p>}
      </div>
      <form class="filters lead-filters" role="search" aria-label="Lead filters" onSubmit={submit}>
        <div class="field search">
          <label for="l-q">Search</label>
          <input
            id="l-q"
            type="search"
            value={draft.q}
            placeholder="name, company, email or phone"
            aria-invalid={invalid('q')}
            onInput={type('q')}
          />
        </div>
        {select(
          'campaign',
          'Campaign',
          'All campaigns',
          choices.campaigns.map((c) => ({ value: c.key, text: c.name === c.key ? c.key : `${c.name} (${c.key})` })),
        )}
        {select('stage', 'Stage', 'All stages', kStages.map((s) => ({ value: s, text: label(s) })))}
        {select('grade', 'Grade', 'All grades', kGrades.map((g) => ({ value: g, text: label(g) })))}
        {(choices.reps.length > 0 || draft.owner) &&
          select(
            'owner',
            'Owner',
            'Any owner',
            choices.reps.map((r) => ({ value: r.key, text: r.name === r.key ? r.key : `${r.name} (${r.key})` })),
          )}
        {select('region', 'Region', 'All regions', choices.regions.map((r) => ({ value: r, text: r })))}
        {dateField('created_from', 'Created from')}
        {dateField('created_to', 'Created before')}
        <div class="actions">
          <button type="submit">Search</button>
          <button type="button" class="secondary" onClick={() => apply({ ...kEmpty })}>
            Clear
          </button>
        </div>
      </form>
      <ErrorAlert error={error} />
      <section class="panel" aria-labelledby="list-h">
        <div class="list-head">
          <h2 id="list-h">Page {pageNo}</h2>
          <p class="sub" role="status" aria-live="polite">
            {loading
              ? 'Loading the leads…'
              : page
                ? `${count(rows.length)} ${rows.length === 1 ? 'lead' : 'leads'}`
                : ''}
          </p>
        </div>
        <TableBox label="Leads table">
          <table class="lead-table" aria-busy={loading ? 'true' : undefined}>
            <thead>
              <tr>
                <th scope="col">Lead</th>
                <th scope="col">Email</th>
                <th scope="col">Campaign</th>
                <th scope="col">Stage</th>
                <th scope="col">Grade</th>
                <th scope="col" class="num">
                  Score
                </th>
                <th scope="col">Owner</th>
                <th scope="col">Region</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((l) => (
                <tr key={l.id} data-lead={l.id}>
                  <th scope="row">
                    <a href={pathOf('lead', { id: l.id })}>{leadName(l)}</a>
                    {l.company && leadName(l) !== l.company && <span class="cell-sub">{l.company}</span>}
                  </th>
                  <td class="wrap">{l.email ?? l.phone ?? '–'}</td>
                  <td>{l.source_campaign}</td>
                  <td>{label(l.stage)}</td>
                  <td>{l.grade ? label(l.grade) : '–'}</td>
                  <td class="num">{l.score}</td>
                  <td class="nowrap">{l.owner ?? '–'}</td>
                  <td>{l.region ?? '–'}</td>
                  <td class="nowrap">{day(l.created_at)}</td>
                </tr>
              ))}
              {!loading && page && rows.length === 0 && (
                <tr>
                  <td colSpan={9}>{pageNo > 1 ? 'No more leads.' : 'No leads match these filters.'}</td>
                </tr>
              )}
            </tbody>
          </table>
        </TableBox>
        <nav class="pager" aria-label="Pages">
          <button type="button" class="secondary" disabled={back.length === 0 || loading} onClick={previous}>
            Previous
          </button>
          <span class="sub">Page {pageNo}</span>
          <button type="button" class="secondary" disabled={!page?.next_cursor || loading} onClick={next}>
            Next
          </button>
        </nav>
      </section>
    </>
  );
}
