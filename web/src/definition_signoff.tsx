// A draft's sign-off: who approved which content hash, the approvals an edit
// voided, approving the current hash for the caller's side, and activating
// once marketing and sales both signed it.
import { useState } from 'preact/hooks';
import { ApiError, get, post, Session } from './api';
import { count, person } from './format';
import { mayWrite, shortHash, signingSide, Version, versionPath, when } from './definition_types';
import { SignedBy } from './definition_view';

const kSides = ['marketing', 'sales'] as const;

export function SignOffPanel({
  session,
  v,
  onChanged,
}: {
  session: Session;
  v: Version;
  onChanged: (v: Version) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const side = signingSide(session);
  const draft = v.state === 'draft';
  const missing = kSides.filter((s) => !v.signed_by.includes(s));
  const edited = v.updated_at !== v.created_at;
  const voided = v.voided_approvals ?? [];

  const run = async (what: () => Promise<Version>, said: (r: Version) => string) => {
    setBusy(true);
    setError('');
    setDone('');
    try {
      const r = await what();
      setDone(said(r));
      onChanged(r);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      // Edited meanwhile (409 on the hash): show the content as it is now.
      if (e instanceof ApiError && e.status === 409)
        await get<Version>(versionPath(v.version))
          .then(onChanged)
          .catch(() => undefined);
    } finally {
      setBusy(false);
    }
  };

  const approve = () =>
    run(
      () => post<Version>(versionPath(v.version) + '/approvals', { hash: v.hash }),
      () => `Approved hash ${shortHash(v.hash)} for ${side}.`,
    );
  const activate = () =>
    run(
      () => post<Version>(versionPath(v.version) + '/activate', {}),
      (r) =>
        `Version ${r.version} is active: ${count(r.leads_regraded ?? 0)} open leads graded again, ${count(r.grades_changed ?? 0)} changed grade.`,
    );

  return (
    <section class="panel signoff" aria-labelledby="signoff-h">
      <h2 id="signoff-h">Sign-off</h2>
      <p>
        Marketing and sales each approve the exact content, named by its hash <code class="hash current-hash">{shortHash(v.hash)}</code>.
        Any edit changes the hash and voids every approval.
      </p>
      {draft && (
        <p class={missing.length ? 'signoff-status needs' : 'signoff-status ready'} role="status">
          {missing.length
            ? `Needs sign-off from ${missing.join(' and ')} for the current content.`
            : 'Signed by marketing and sales at the current content: it can be activated.'}
        </p>
      )}
      {draft && edited && (
        <p class="edited-note">
          Edited {when(v.updated_at)} by {person(v.updated_by)}: approvals given before that edit were voided.
        </p>
      )}
      <SignedBy v={v} />
      {voided.length > 0 && (
        <p class="sub voided-note">
          Voided approvals are kept on record but no longer count: each side signs the current content again.
        </p>
      )}
      {draft && (
        <div class="actions signoff-actions">
          {side && (
            <button type="button" onClick={approve} disabled={busy}>
              Approve for {side}
            </button>
          )}
          {mayWrite(session) && (
            <button type="button" class={missing.length ? 'secondary' : undefined} onClick={activate} disabled={busy || missing.length > 0}>
              Activate version {v.version}
            </button>
          )}
        </div>
      )}
      {draft && !side && !mayWrite(session) && <p class="sub">Your role can read this draft but not sign or activate it.</p>}
      {draft && !side && mayWrite(session) && <p class="sub">Your role cannot sign: marketing and sales managers sign.</p>}
      {draft && mayWrite(session) && missing.length > 0 && (
        <p class="sub">Activation needs both sides' approval of the current content.</p>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {done && (
        <p role="status" class="done">
          {done}
        </p>
      )}
    </section>
  );
}
