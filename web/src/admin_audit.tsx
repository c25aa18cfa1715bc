// The audit log tab: who did what to which record, when, with what outcome
// and from where (GET /api/v1/audit, oldest first), under the API's filters
// (actor, action prefix, record, from, to), a page at a time with its cursor.
// The filters and the cursor live in the URL (/admin?tab=audit&actor=...).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, query } from './api';
import { AuditEntry, AuditPage, FormError, formError, when } from './admin_types';
import { LoadFailure } from './admin_load';
import { actionText, label, person, recordText } from './format';
import { TableBox } from './ui/table';
import { Loading } from './ui/states';

export interface AuditFilters {
  actor: string;
  action: string;
  record: string;
  from: string;
  to: string;
  limit: string;
}

const kFields: (keyof AuditFilters)[] = ['actor', 'action', 'record', 'from', 'to', 'limit'];
const kEmpty: AuditFilters = { actor: '', action: '', record: '', from: '', to: '', limit: '' };
export const kLimits = ['25', '50', '100', '200', '500'];
const kDefaultLimit = '50';

export function auditFromUrl(search: string): { filters: AuditFilters; cursor: string } {
  const q = new URLSearchParams(search);
  const filters = { ...kEmpty };
  for (const k of kFields) filters[k] = q.get(k) ?? '';
  return { filters, cursor: q.get('cursor') ?? '' };
}

function auditUrl(f: AuditFilters, cursor: string): string {
  return '/admin' + query({ tab: 'audit', ...f, cursor });
}

// The API's parameters: the filters, the page size (50 unless chosen), the cursor.
function auditQuery(f: AuditFilters, cursor: string): string {
  return query({ ...f, limit: f.limit || kDefaultLimit, cursor });
}

// The HTTP status in words, so the outcome does not hang on knowing codes.
export function outcome(status: number): string {
  if (status < 300) return 'done';
  if (status < 400) return 'redirected';
  const words: Record<number, string> = {
    400: 'bad request',
    401: 'not signed in',
    403: 'refused',
    404: 'not found',
    409: 'conflict',
    413: 'too large',
    415: 'wrong type',
    422: 'invalid',
    429: 'rate limited',
  };
  return words[status] ?? (status >= 500 ? 'server error' : 'failed');
}

// The entry's detail as text: "query: limit=5, q=(withheld)".
export function detailText(d: Record<string, unknown> | null | undefined): string {
  if (!d) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(d)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = Object.entries(v as Record<string, unknown>).map(([a, b]) => `${a}=${typeof b === 'string' ? b : JSON.stringify(b)}`);
      if (inner.length) parts.push(`${k}: ${inner.join(', ')}`);
    } else parts.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join('; ');
}

export function AuditTab({ actors }: { actors: string[] }) {
  const initial = auditFromUrl(location.search);
  const [filters, setFilters] = useState<AuditFilters>(initial.filters);
  const [draft, setDraft] = useState<AuditFilters>(initial.filters);
  const [cursor, setCursor] = useState(initial.cursor);
  // The cursors of the pages before this one, for Previous.
  const [back, setBack] = useState<string[]>([]);
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<FormError | null>(null);
  const asked = useRef('');

  useEffect(() => {
    const q = auditQuery(filters, cursor);
    asked.current = q;
    setPage(null);
    get<AuditPage>('/api/v1/audit' + q)
      .then((p) => {
        if (asked.current !== q) return;
        setPage(p);
        setError(null);
      })
      .catch((e) => {
        if (asked.current !== q) return;
        setError(formError(e));
      });
  }, [filters, cursor]);

  // The browser's Back and Forward within the tab.
  useEffect(() => {
    const on = () => {
      const u = auditFromUrl(location.search);
      setFilters(u.filters);
      setDraft(u.filters);
      setCursor(u.cursor);
      setBack([]);
    };
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);

  const go = (f: AuditFilters, c: string, stack: string[]) => {
    history.replaceState(null, '', auditUrl(f, c));
    setFilters(f);
    setCursor(c);
    setBack(stack);
  };
  const apply = (e: Event) => {
    e.preventDefault();
    go(draft, '', []);
  };
  const clear = () => {
    setDraft(kEmpty);
    go(kEmpty, '', []);
  };
  const next = () => {
    if (page?.next_cursor == null) return;
    go(filters, String(page.next_cursor), [...back, cursor]);
  };
  // Back one page; after a reload the pages before are unknown, so the first.
  const previous = () => go(filters, back.length ? back[back.length - 1] : '', back.slice(0, -1));
  const set = (k: keyof AuditFilters) => (e: Event) =>
    setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });

  if (error?.status === 403) return <LoadFailure error={error} what="the audit log" />;
  const fieldError = (f: string) =>
    error?.field === f ? (
      <p id={`au-${f}-error`} class="error field-error">
        {error.message}
      </p>
    ) : null;
  const input = (k: keyof AuditFilters, label: string, type: 'text' | 'date' = 'text', list?: string, placeholder?: string) => (
    <div class="field">
      <label for={'au-' + k}>{label}</label>
      <input
        id={'au-' + k}
        type={type}
        value={draft[k]}
        list={list}
        placeholder={placeholder}
        aria-invalid={error?.field === k ? 'true' : undefined}
        aria-describedby={error?.field === k ? `au-${k}-error` : undefined}
        onInput={set(k)}
      />
      {fieldError(k)}
    </div>
  );
  return (
    <section class="panel" aria-labelledby="audit-h">
      <h2 id="audit-h">Audit log</h2>
      <p class="sub">
        Every write and every read of personal data through the API, oldest first. Times in UTC. Pointing at an
        actor, action or record shows the name the API records, which is what the filters take.
      </p>
      <form class="filters audit-filters" aria-label="Audit filters" onSubmit={apply}>
        {input('actor', 'Actor (exact)', 'text', 'au-actors', 'user:maria')}
        {input('action', 'Action (starts with)', 'text', 'au-actions', 'POST /api/v1/users')}
        {input('record', 'Record (exact)', 'text', undefined, 'lead:42')}
        {input('from', 'From (on or after)', 'date')}
        {input('to', 'To (before)', 'date')}
        <div class="field">
          <label for="au-limit">Per page</label>
          <select id="au-limit" value={draft.limit || kDefaultLimit} onChange={set('limit')}>
            {kLimits.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
          {fieldError('limit')}
        </div>
        <div class="actions">
          <button type="submit">Apply</button>
          <button type="button" class="secondary" onClick={clear}>
            Clear
          </button>
        </div>
        <datalist id="au-actors">
          <option value="public" />
          {actors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <datalist id="au-actions">
          {['POST', 'PUT', 'GET', 'POST /api/v1/users', 'PUT /api/v1/users/{login}', 'POST /api/v1/tokens', 'POST /api/v1/session', 'GET /api/v1/exports'].map(
            (a) => (
              <option key={a} value={a} label={a.includes(' ') ? actionText(a) : undefined} />
            ),
          )}
        </datalist>
      </form>
      {error && !['actor', 'action', 'record', 'from', 'to', 'limit'].includes(error.field ?? '') && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      {error && <Loading>No entries for these filters.</Loading>}
      {!error && !page && <Loading>Loading the audit log…</Loading>}
      {page && <AuditTable entries={page.entries} />}
      <nav class="pager" aria-label="Audit pages">
        <button type="button" class="secondary" disabled={!cursor} onClick={previous}>
          Previous
        </button>
        <span class="page-no">{cursor && back.length === 0 ? `Entries after #${cursor}` : `Page ${back.length + 1}`}</span>
        <button type="button" class="secondary" disabled={page?.next_cursor == null} onClick={next}>
          Next
        </button>
      </nav>
    </section>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  if (entries.length === 0) return <p class="empty">No entries match these filters.</p>;
  // Focusable, so the keyboard can scroll a table wider than the screen.
  return (
    <TableBox label="Audit entries">
      <table class="audit">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Role</th>
            <th scope="col">Action</th>
            <th scope="col">Record</th>
            <th scope="col">Outcome</th>
            <th scope="col">From</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-id={e.id} class={e.status >= 400 ? 'failed' : undefined}>
              <th scope="row" class="id num">
                {e.id}
              </th>
              <td class="at">{when(e.at)}</td>
              <td class="actor">
                <a href={auditUrl({ ...kEmpty, actor: e.actor }, '')} title={e.actor} aria-label={`Only entries of ${person(e.actor)}`}>
                  {person(e.actor)}
                </a>
              </td>
              <td class="role">{e.role ? label(e.role) : '–'}</td>
              <td class="action" title={e.action}>
                {actionText(e.action)}
              </td>
              <td class="record">
                {e.record ? (
                  <a href={auditUrl({ ...kEmpty, record: e.record }, '')} title={e.record} aria-label={`Only entries about ${recordText(e.record)}`}>
                    {recordText(e.record)}
                  </a>
                ) : (
                  '–'
                )}
              </td>
              <td class="outcome">
                {e.status} {outcome(e.status)}
              </td>
              <td class="remote">{e.remote || '–'}</td>
              <td class="detail">{detailText(e.detail) || '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
