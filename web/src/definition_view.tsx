// A definition document for people: every rule in plain words with its
// condition, the grades and their SLAs, the score table, reject reasons,
// the call guide and routing (as the server's GET /definition page says
// them), plus a version's facts and the list of versions.
import { Fragment } from 'preact';
import { pathOf } from './routes';
import { label, person, title } from './format';
import { Approval, DefinitionDoc, kRuledGrades, Rule, shortHash, Version, VersionSummary, when } from './definition_types';
import { TableBox } from './ui/table';

function RuleItem({ rule, id }: { rule: Rule; id: string }) {
  return (
    <li data-rule={id}>
      <span class="says">{rule.says || rule.when}</span>
      {rule.says && rule.says !== rule.when && (
        <>
          {' '}
          <code class="when">{rule.when}</code>
        </>
      )}
    </li>
  );
}

function Rules({ rules, section }: { rules: Rule[]; section: string }) {
  return (
    <ol class="rules">
      {rules.map((r, i) => (
        <RuleItem key={i} rule={r} id={`${section}[${i}]`} />
      ))}
    </ol>
  );
}

const points = (p: number) => (p > 0 ? '+' : '') + p;

export function DefinitionView({ doc, headingLevel = 2 }: { doc: DefinitionDoc; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const H2 = headingLevel === 2 ? 'h3' : 'h4';
  const grades = doc.grades ?? {};
  const sla = doc.sla_hours ?? {};
  const routing = doc.routing;
  return (
    <div class="definition-doc">
      {doc.description && <p class="description">{doc.description}</p>}

      <section class="def-section" aria-label="What a lead must have">
        <H>What a lead must have</H>
        {doc.required_fields && doc.required_fields.length > 0 ? (
          <ul class="required">
            {doc.required_fields.map((f, i) => (
              <li key={i} data-rule={`required_fields[${i}]`}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p>No required fields.</p>
        )}
        {doc.qualification && doc.qualification.length > 0 && (
          <>
            <p>To be graded at all, a lead must meet all of these:</p>
            <Rules rules={doc.qualification} section="qualification" />
          </>
        )}
        <p class="sub">A lead that lacks a required field or fails one of these is unqualified.</p>
      </section>

      <section class="def-section" aria-label="Grades">
        <H>Grades</H>
        <p>
          Grades are tried in the order hot, warm, cold: the first whose conditions all hold is the lead's grade. A
          qualified lead that meets none is unqualified.
        </p>
        {kRuledGrades.map((g) => {
          const rules = grades[g];
          return (
            <div key={g} class={`grade grade-${g}`} data-grade={g}>
              <H2>
                <span class={`grade-tag ${g}`}>{title(g)}</span>
              </H2>
              {rules === undefined || rules === null ? (
                <p>Not in the document: no lead is graded {g}.</p>
              ) : rules.length === 0 ? (
                <p>Every qualified lead that is not of a grade above.</p>
              ) : (
                <>
                  <p class="sub">All of these hold:</p>
                  <Rules rules={rules} section={`grades.${g}`} />
                </>
              )}
              <p class="sla" data-sla={g}>
                {sla[g] ? (
                  <>
                    Follow up within <strong>{sla[g]} hours</strong>.
                  </>
                ) : (
                  'No follow-up SLA.'
                )}
              </p>
            </div>
          );
        })}
        {doc.decay?.warm_to_cold_days ? (
          <p class="decay">
            A warm lead with no touch for <strong>{doc.decay.warm_to_cold_days} days</strong> becomes cold.
          </p>
        ) : (
          <p class="decay">Warm leads do not decay.</p>
        )}
        <p class="sub">Leadloop applies the active version's decay and SLAs: a breach is recorded on the lead and the team's manager is told.</p>
      </section>

      <section class="def-section" aria-label="Score">
        <H>Score (0 to 100)</H>
        {doc.score && doc.score.length > 0 ? (
          <TableBox label="Score signals">
            <table class="score">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Points
                  </th>
                  <th scope="col">When</th>
                </tr>
              </thead>
              <tbody>
                {doc.score.map((s, i) => (
                  <tr key={i} data-rule={`score[${i}]`}>
                    <td class="num points">{points(s.points)}</td>
                    <td>
                      <span class="says">{s.says || s.when}</span>
                      {s.says && s.says !== s.when && (
                        <>
                          {' '}
                          <code class="when">{s.when}</code>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        ) : (
          <p>No score signals: every lead scores 0.</p>
        )}
      </section>

      <section class="def-section" aria-label="Reject reasons">
        <H>Reasons sales may reject a lead</H>
        {doc.reject_reasons && doc.reject_reasons.length > 0 ? (
          <ul class="reasons">
            {doc.reject_reasons.map((r) => (
              <li key={r.code} data-reason={r.code}>
                <span class="says">{r.label}</span> <code>{r.code}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p>No reasons listed: while this version is active, any reason is accepted.</p>
        )}
      </section>

      {doc.call_guide && doc.call_guide.length > 0 && (
        <section class="def-section" aria-label="Call guide">
          <H>The call guide must capture</H>
          <ol>
            {doc.call_guide.map((q) => (
              <li key={q.key}>
                {q.question} <code>data.{q.key}</code> ({label(q.type ?? 'text')}
                {q.choices && q.choices.length > 0 ? `: ${q.choices.join(', ')}` : ''})
              </li>
            ))}
          </ol>
        </section>
      )}

      {routing && (
        <section class="def-section" aria-label="Routing">
          <H>Who works a lead</H>
          {routing.by_grade && (
            <ul>
              {Object.entries(routing.by_grade).map(([g, action]) => (
                <li key={g}>
                  {title(g)} leads: <strong>{label(action)}</strong>
                </li>
              ))}
            </ul>
          )}
          {routing.rules && routing.rules.length > 0 && (
            <ol class="rules">
              {routing.rules.map((r, i) => (
                <li key={i} data-rule={`routing.rules[${i}]`}>
                  <span class="says">{r.says || r.when}</span> <code class="when">{r.when}</code>
                  {r.rep ? ` → rep ${r.rep}` : r.team ? ` → team ${r.team}` : ''}
                </li>
              ))}
            </ol>
          )}
          {routing.reassign_after_hours ? <p>An untouched assigned lead is reassigned after {routing.reassign_after_hours} hours.</p> : null}
          {routing.nurture_programme ? <p>Nurture programme: {routing.nurture_programme}.</p> : null}
        </section>
      )}

      {doc.examples !== undefined && doc.examples !== null && (
        <section class="def-section" aria-label="Examples">
          <H>Examples</H>
          <pre class="examples">{typeof doc.examples === 'string' ? doc.examples : JSON.stringify(doc.examples, null, 2)}</pre>
        </section>
      )}
    </div>
  );
}

const kStateWords: Record<string, string> = { draft: 'Draft', active: 'Active', retired: 'Retired' };

// "Draft, approved by marketing" / "Active" / "Retired"
export function stateWords(v: VersionSummary): string {
  const base = kStateWords[v.state] ?? v.state;
  if (v.state !== 'draft') return base;
  const sides = v.approvals.filter((a) => a.hash === v.hash).map((a) => a.side);
  const unique = [...new Set(sides)];
  return unique.length ? `${base}, approved by ${unique.join(' and ')}` : `${base}, not approved yet`;
}

// What became of an approval that no longer counts: the edit that voided
// it, or (kept from before that was recorded) only that it signed other content.
function VoidedBy({ a }: { a: Approval }) {
  if (!a.voided_at) return <>Voided: approved other content</>;
  return (
    <>
      Voided by the edit of <span class="voided-by">{a.voided_by ? person(a.voided_by) : 'someone'}</span>,{' '}
      <span class="voided-at">{when(a.voided_at)}</span>
    </>
  );
}

export function ApprovalRows({ approvals, current, voided }: { approvals: Approval[]; current: string; voided?: boolean }) {
  return (
    <>
      {approvals.map((a, i) => {
        const valid = !voided && !a.voided_at && a.hash === current;
        return (
          <tr key={i} data-side={a.side} data-valid={valid ? 'yes' : 'no'}>
            <th scope="row">{title(a.side)}</th>
            <td class="actor">
              {person(a.actor)} <span class="role">({label(a.role)})</span>
            </td>
            <td>
              <code class="hash" title={a.hash}>
                {shortHash(a.hash)}
              </code>
            </td>
            <td class="signed-at">{when(a.at)}</td>
            <td class={valid ? 'approval-ok' : 'approval-void'}>{valid ? 'Valid: the current content' : <VoidedBy a={a} />}</td>
          </tr>
        );
      })}
    </>
  );
}

// Version, state, hash, author and activation of one version.
export function VersionFacts({ v }: { v: Version | VersionSummary }) {
  return (
    <dl class="version-facts">
      <div>
        <dt>Version</dt>
        <dd class="version-number">{v.version}</dd>
      </div>
      <div>
        <dt>State</dt>
        <dd class="version-state">{stateWords(v)}</dd>
      </div>
      <div class="wide">
        <dt>Content hash</dt>
        <dd>
          <code class="hash full-hash">{v.hash}</code>
        </dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          {when(v.created_at)} by {person(v.created_by)}
        </dd>
      </div>
      {v.updated_at !== v.created_at && (
        <div>
          <dt>Last edited</dt>
          <dd>
            {when(v.updated_at)} by {person(v.updated_by)}
          </dd>
        </div>
      )}
      {v.activated_at && (
        <div>
          <dt>Activated</dt>
          <dd>
            {when(v.activated_at)} by {person(v.activated_by)}
          </dd>
        </div>
      )}
    </dl>
  );
}

// Who signed a version: side, person, the hash they signed, when; then the
// approvals that no longer count (voided_approvals), with the edit that voided them.
export function SignedBy({ v }: { v: VersionSummary }) {
  const voided = v.voided_approvals ?? [];
  if (v.approvals.length === 0 && voided.length === 0) return <p class="no-approvals">Nobody has approved this content yet.</p>;
  return (
    <TableBox label="Approvals">
      <table class="approvals">
        <thead>
          <tr>
            <th scope="col">Side</th>
            <th scope="col">Who</th>
            <th scope="col">Hash approved</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          <ApprovalRows approvals={v.approvals} current={v.hash} />
          <ApprovalRows approvals={voided} current={v.hash} voided />
        </tbody>
      </table>
    </TableBox>
  );
}

export function VersionList({ versions }: { versions: VersionSummary[] }) {
  if (versions.length === 0) return <p>No versions yet.</p>;
  return (
    <TableBox label="Versions">
      <table class="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col">Hash</th>
            <th scope="col">Approved by</th>
            <th scope="col">Activated</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.version} data-version={v.version} data-state={v.state}>
              <th scope="row">
                <a href={pathOf('definition', { version: v.version })}>Version {v.version}</a>
              </th>
              <td>{v.name}</td>
              <td class="state">{stateWords(v)}</td>
              <td>
                <code class="hash" title={v.hash}>
                  {shortHash(v.hash)}
                </code>
              </td>
              <td class="approved-by">
                {v.approvals.length === 0
                  ? '–'
                  : v.approvals.map((a, i) => (
                      <Fragment key={i}>
                        {i > 0 && ', '}
                        {a.side}: {person(a.actor)}
                      </Fragment>
                    ))}
              </td>
              <td>{v.activated_at ? `${when(v.activated_at)} by ${person(v.activated_by)}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}
