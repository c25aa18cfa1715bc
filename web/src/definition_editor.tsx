// Editing a draft: its document as JSON in a text area, checked by the
// server (POST /api/v1/definition/check) with every problem listed by its
// path, then saved whole (PUT /api/v1/definition/versions/{v}), which
// changes the hash and voids the draft's approvals.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, post, put } from './api';
import { CheckResult, shortHash, Version, versionPath } from './definition_types';

export function DraftEditor({ v, onSaved }: { v: Version; onSaved: (v: Version) => void }) {
  const [text, setText] = useState(() => JSON.stringify(v.definition, null, 2));
  // The content the text started from: when someone else saves the draft
  // meanwhile, an untouched text follows; an edited one is warned.
  const [base, setBase] = useState({ hash: v.hash, text });
  const reset = (to: Version) => {
    const t = JSON.stringify(to.definition, null, 2);
    setText(t);
    setBase({ hash: to.hash, text: t });
  };
  useEffect(() => {
    if (v.hash !== base.hash && text === base.text) reset(v);
  }, [v.hash]);
  const stale = v.hash !== base.hash;
  const [issues, setIssues] = useState<CheckResult['issues']>([]);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  // The parsed document, or null with the error shown.
  const parse = (): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      setError(`The document is not valid JSON: ${(e as Error).message}`);
      return null;
    }
  };

  const check = async (): Promise<{ doc: unknown; result: CheckResult } | null> => {
    setError('');
    setNote('');
    setIssues([]);
    const doc = parse();
    if (doc === null) return null;
    try {
      const result = await post<CheckResult>('/api/v1/definition/check', doc);
      setIssues(result.issues);
      return { doc, result };
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      return null;
    }
  };

  const onCheck = async () => {
    setBusy(true);
    const c = await check();
    if (c?.result.valid)
      setNote(
        c.result.hash === v.hash
          ? 'Valid, and the same content as now.'
          : `Valid. Saved, the draft's hash would become ${shortHash(c.result.hash ?? '')}.`,
      );
    setBusy(false);
  };

  const onSave = async () => {
    setBusy(true);
    const c = await check();
    if (c?.result.valid) {
      try {
        const saved = await put<Version>(versionPath(v.version), c.doc);
        reset(saved);
        setNote(`Saved. The hash is now ${shortHash(saved.hash)}; earlier approvals are void.`);
        onSaved(saved);
      } catch (e) {
        setError(e instanceof ApiError ? (e.body.field ? `${e.body.field}: ` : '') + e.message : String(e));
      }
    }
    setBusy(false);
  };

  const invalid = issues.length > 0 || error !== '';
  return (
    <section class="panel editor" aria-labelledby="editor-h" id="edit">
      <h2 id="editor-h">Edit this draft</h2>
      <p class="sub">
        The whole document as JSON (docs/definition.md). Saving replaces the draft, changes its hash and voids every
        approval.
      </p>
      {stale && (
        <p role="alert" class="stale">
          Someone saved this draft since you began editing (the hash is now {shortHash(v.hash)}): saving replaces their
          content.{' '}
          <button type="button" class="secondary" onClick={() => reset(v)}>
            Load the current content
          </button>
        </p>
      )}
      <div class="field">
        <label for="draft-doc">Document (JSON)</label>
        <textarea
          id="draft-doc"
          rows={18}
          spellcheck={false}
          value={text}
          aria-invalid={invalid ? 'true' : undefined}
          aria-describedby={invalid ? 'draft-problems' : undefined}
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </div>
      <div class="actions">
        <button type="button" class="secondary" onClick={onCheck} disabled={busy}>
          Check
        </button>
        <button type="button" onClick={onSave} disabled={busy}>
          Save draft
        </button>
      </div>
      <div id="draft-problems">
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {issues.length > 0 && (
          <div role="alert">
            <p class="error">
              {issues.length} problem{issues.length === 1 ? '' : 's'} found; nothing was saved.
            </p>
            <ul class="issues">
              {issues.map((i, n) => (
                <li key={n}>
                  <code>{i.path || '(document)'}</code>: {i.message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {note && (
        <p role="status" class="done">
          {note}
        </p>
      )}
    </section>
  );
}
