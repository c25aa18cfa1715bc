// Nurture programmes (docs/nurture.md): each programme with its report
// (enrolled, at each step, exited by reason, turned hot, opted out, warm ->
// hot against the hold-out), its versions, and a form that makes a
// programme or a new version from its document and activates a draft.
// Marketing and admins write; sales managers read (the API decides).
import { useState } from 'preact/hooks';
import { get, post, Session } from '../api';
import { count, label, share, utc } from '../format';
import { ProgrammeReport, ProgrammeSummary, ProgrammeVersion } from '../nurture';
import { Loading, Problem, ProblemAlert, problemOf, useLoad } from '../ui/states';
import { TableBox } from '../ui/table';

const kExample = `name: Warm drip
holdout: 10
steps:
  - key: welcome
    send: nurture.welcome
  - wait: {business_days: 2}
  - branch: {engaged: [opened, clicked], within_days: 3, then: done, else: nudge}
  - key: nudge
    send: nurture
  - exit: no_reply
  - key: done
    exit: engaged
`;

export function Programmes({ session }: { session: Session }) {
  const [reload, setReload] = useState(0);
  const [chosen, setChosen] = useState<string | null>(null);
  const list = useLoad(() => get<{ items: ProgrammeSummary[] }>('/api/v1/programmes'), [reload]);
  const writes = session.roles.some((r) => r === 'admin' || r === 'marketing');
  const current = chosen ?? list.data?.items[0]?.key ?? null;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Nurture programmes</h1>
          <p class="sub">What warm leads in stage nurture are sent, and what came of it.</p>
        </div>
      </div>
      <ProblemAlert problem={list.problem} />
      {!list.data && !list.problem && <Loading>Loading programmes…</Loading>}
      {list.data && list.data.items.length === 0 && <p class="sub">No programme yet.</p>}
      {list.data && list.data.items.length > 0 && (
        <TableBox label="Programmes">
          <table class="programmes">
            <thead>
              <tr>
                <th scope="col">Programme</th>
                <th scope="col">Key</th>
                <th scope="col">Active version</th>
                <th scope="col" class="num">
                  Enrolled
                </th>
                <th scope="col" class="num">
                  In progress
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.key} aria-current={p.key === current ? 'true' : undefined}>
                  <td>
                    <button type="button" class="link" onClick={() => setChosen(p.key)}>
                      {p.name}
                    </button>
                  </td>
                  <td>
                    <code>{p.key}</code>
                  </td>
                  <td>{p.active_version === null ? 'none' : `v${p.active_version}`}</td>
                  <td class="num">{count(p.enrolled)}</td>
                  <td class="num">{count(p.active_enrolments)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {current && <Programme key={`${current}-${reload}`} programmeKey={current} writes={writes} onChange={() => setReload((n) => n + 1)} />}
      {writes && <NewVersion known={list.data?.items.map((p) => p.key) ?? []} onDone={(k) => { setChosen(k); setReload((n) => n + 1); }} />}
    </>
  );
}

function Programme({ programmeKey, writes, onChange }: { programmeKey: string; writes: boolean; onChange: () => void }) {
  const report = useLoad(() => get<ProgrammeReport>(`/api/v1/programmes/${encodeURIComponent(programmeKey)}/report`), [programmeKey]);
  const versions = useLoad(
    () => get<{ versions: ProgrammeVersion[] }>(`/api/v1/programmes/${encodeURIComponent(programmeKey)}`),
    [programmeKey],
  );
  const [problem, setProblem] = useState<Problem | null>(null);
  const activate = async (v: number) => {
    try {
      await post(`/api/v1/programmes/${encodeURIComponent(programmeKey)}/versions/${v}/activate`, {});
      onChange();
    } catch (e) {
      setProblem(problemOf(e));
    }
  };
  const r = report.data;
  return (
    <section class="panel" aria-labelledby="programme-h">
      <h2 id="programme-h">Report: {programmeKey}</h2>
      <ProblemAlert problem={report.problem ?? problem} />
      {r && (
        <>
          <dl class="facts programme-report">
            <div>
              <dt>Enrolled</dt>
              <dd>{count(r.enrolled)}</dd>
            </div>
            <div>
              <dt>In progress</dt>
              <dd>{count(r.active)}</dd>
            </div>
            <div>
              <dt>Mails sent</dt>
              <dd>{count(r.sends)}</dd>
            </div>
            <div>
              <dt>Turned hot</dt>
              <dd>{count(r.turned_hot)}</dd>
            </div>
            <div>
              <dt>Opted out</dt>
              <dd>{count(r.opted_out)}</dd>
            </div>
            <div>
              <dt>Warm → hot, enrolled</dt>
              <dd>
                {share(r.treated.warm_to_hot)} of {count(r.treated.enrolments)}
              </dd>
            </div>
            <div>
              <dt>Warm → hot, hold-out</dt>
              <dd>
                {share(r.holdout.warm_to_hot)} of {count(r.holdout.enrolments)}
              </dd>
            </div>
          </dl>
          <h3>At each step</h3>
          {r.at_step.length === 0 ? (
            <p class="sub">Nobody in progress.</p>
          ) : (
            <ul class="at-step">
              {r.at_step.map((s) => (
                <li key={s.step}>
                  Step {s.step + 1}
                  {s.key ? ` (${s.key})` : ''}: {count(s.enrolments)}
                </li>
              ))}
            </ul>
          )}
          <h3>Exited, by reason</h3>
          {Object.keys(r.exited).length === 0 ? (
            <p class="sub">Nobody has left yet.</p>
          ) : (
            <ul class="exits">
              {Object.entries(r.exited).map(([reason, n]) => (
                <li key={reason}>
                  {label(reason)}: {count(n)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h3>Versions</h3>
      <ProblemAlert problem={versions.problem} />
      {versions.data && (
        <TableBox label="Versions">
          <table class="programme-versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">State</th>
                <th scope="col">Steps</th>
                <th scope="col">Made</th>
                {writes && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {versions.data.versions.map((v) => (
                <tr key={v.version}>
                  <td>v{v.version}</td>
                  <td>{v.state}</td>
                  <td>{v.steps.map((s) => (s.kind === 'send' ? `send ${s.template}` : s.kind)).join(' → ')}</td>
                  <td>
                    {utc(v.created_at)} by {v.created_by}
                  </td>
                  {writes && (
                    <td>
                      {v.state === 'draft' && (
                        <button type="button" onClick={() => void activate(v.version)}>
                          Activate v{v.version}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}

function NewVersion({ known, onDone }: { known: string[]; onDone: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [source, setSource] = useState(kExample);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setDone('');
    try {
      const exists = known.includes(key);
      const made = await post<ProgrammeVersion>(
        exists ? `/api/v1/programmes/${encodeURIComponent(key)}/versions` : '/api/v1/programmes',
        exists ? { source } : { key, source },
      );
      setDone(`Saved ${made.key} v${made.version} as a draft.`);
      onDone(made.key);
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <section class="panel" aria-labelledby="new-programme-h">
      <h2 id="new-programme-h">New programme or version</h2>
      <form onSubmit={submit}>
        <label>
          Key
          <input value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} required pattern="[a-z0-9][a-z0-9_\-]*" />
        </label>
        <label>
          Document (YAML or JSON)
          <textarea rows={14} value={source} onInput={(e) => setSource((e.target as HTMLTextAreaElement).value)} />
        </label>
        <ProblemAlert problem={problem} />
        {done && (
          <p role="status" class="ok">
            {done}
          </p>
        )}
        <button type="submit">Save as a draft</button>
      </form>
    </section>
  );
}
