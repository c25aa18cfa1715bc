// The rule-by-rule differences between two versions
// (GET /api/v1/definition/diff?from=&to=): what another version had and
// what this one has, section by section.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, query } from './api';
import { Diff, VersionSummary } from './definition_types';
import { TableBox } from './ui/table';
import { Loading } from './ui/states';

const kChangeWords = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

// "grades.warm" -> "Grade warm", "sla_hours.hot" -> "SLA hours, hot"
function sectionWords(s: string): string {
  const [head, ...rest] = s.split('.');
  const names: Record<string, string> = {
    name: 'Name',
    description: 'Description',
    required_fields: 'Required fields',
    qualification: 'Qualification',
    grades: 'Grade',
    score: 'Score',
    decay: 'Decay',
    sla_hours: 'SLA hours,',
    reject_reasons: 'Reject reason',
    call_guide: 'Call guide',
    routing: 'Routing',
  };
  const name = names[head] ?? head;
  return rest.length ? `${name} ${rest.join('.')}` : name;
}

// The version to compare with first: the active one, or else the one before.
export function defaultOther(version: number, versions: VersionSummary[]): number | null {
  const active = versions.find((v) => v.state === 'active' && v.version !== version);
  if (active) return active.version;
  const before = versions.filter((v) => v.version < version).pop();
  if (before) return before.version;
  return versions.find((v) => v.version !== version)?.version ?? null;
}

export function DiffPanel({ version, versions }: { version: number; versions: VersionSummary[] }) {
  const others = versions.filter((v) => v.version !== version);
  const fromUrl = Number(new URLSearchParams(location.search).get('compare'));
  const [other, setOther] = useState<number | null>(
    others.some((v) => v.version === fromUrl) ? fromUrl : defaultOther(version, versions),
  );
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    if (other === null) return;
    let live = true;
    setDiff(null);
    setError('');
    get<Diff>('/api/v1/definition/diff' + query({ from: other, to: version }))
      .then((d) => live && setDiff(d))
      .catch((e) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [other, version]);

  const hashOf = (n: number) => versions.find((x) => x.version === n)?.hash;

  const choose = (v: number) => {
    const q = new URLSearchParams(location.search);
    q.set('compare', String(v));
    history.replaceState(null, '', location.pathname + '?' + q.toString());
    setOther(v);
  };

  return (
    <section class="panel diff" aria-labelledby="diff-h">
      <h2 id="diff-h">Differences</h2>
      {others.length === 0 ? (
        <p>There is no other version to compare with.</p>
      ) : (
        <>
          <div class="field compare">
            <label for="diff-other">Compare with version</label>
            <select id="diff-other" value={other ?? ''} onChange={(e) => choose(Number(e.currentTarget.value))}>
              {others.map((v) => (
                <option key={v.version} value={v.version}>
                  {v.version} ({v.state})
                </option>
              ))}
            </select>
          </div>
          {error && (
            <p role="alert" class="error">
              {error}
            </p>
          )}
          {!diff && !error && <Loading>Comparing…</Loading>}
          {diff && (
            <>
              <p class="sub diff-summary">
                From version {diff.from} to version {diff.to}:{' '}
                {diff.changes.length === 0 ? 'no differences.' : `${diff.changes.length} difference${diff.changes.length === 1 ? '' : 's'}.`}
              </p>
              {diff.changes.length === 0 && hashOf(diff.from) !== hashOf(diff.to) && (
                <p class="sub diff-hidden">
                  The two versions have different content hashes, so something differs that the rule comparison does not
                  list (such as the wording of a score signal): compare the documents below.
                </p>
              )}
              {diff.changes.length > 0 && (
                <TableBox label="Differences table">
                  <table class="diff-table">
                    <thead>
                      <tr>
                        <th scope="col">Section</th>
                        <th scope="col">Change</th>
                        <th scope="col">Version {diff.from}</th>
                        <th scope="col">Version {diff.to}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {diff.changes.map((c, i) => (
                        <tr key={i} class={`change-${c.change}`} data-section={c.section} data-change={c.change}>
                          <th scope="row" class="section">
                            {sectionWords(c.section)}
                          </th>
                          <td class="change">{kChangeWords[c.change] ?? c.change}</td>
                          <td class="was">{c.from ? <code>{c.from}</code> : <span class="none">–</span>}</td>
                          <td class="now">{c.to ? <code>{c.to}</code> : <span class="none">–</span>}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableBox>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
