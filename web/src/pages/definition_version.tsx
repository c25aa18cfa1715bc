// One version of the lead definition: its facts and document, the diff
// against another version, and for a draft its sign-off, backtest and
// editor. A draft is read again every few seconds, so an approval or an
// edit by the other side shows without a reload.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, Session } from '../api';
import { kRoutes } from '../routes';
import { count } from '../format';
import { mayWrite, Version, VersionSummary, versionPath } from '../definition_types';
import { DefinitionView, SignedBy, VersionFacts } from '../definition_view';
import { DiffPanel } from '../definition_diff';
import { BacktestPanel } from '../definition_backtest';
import { SignOffPanel } from '../definition_signoff';
import { DraftEditor } from '../definition_editor';
import { Loading } from '../ui/states';

const kPollMs = 5000;

const fingerprint = (v: VersionSummary) =>
  `${v.state}|${v.hash}|${v.updated_at}|${JSON.stringify(v.approvals)}|${JSON.stringify(v.voided_approvals ?? [])}`;

export function DefinitionVersion({ session, version }: { session: Session; version: string }) {
  const [v, setV] = useState<Version | null>(null);
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [error, setError] = useState('');

  const show = (next: Version) => {
    setV(next);
    get<{ versions: VersionSummary[] }>('/api/v1/definition/versions')
      .then((r) => setVersions(r.versions))
      .catch(() => undefined);
  };

  useEffect(() => {
    let live = true;
    setV(null);
    setError('');
    if (!/^\d+$/.test(version)) {
      setError(`'${version}' is not a version number.`);
      return;
    }
    get<Version>(versionPath(version))
      .then((r) => live && show(r))
      .catch((e) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [version]);

  // A draft changes under other people's hands: read it again now and then.
  const state = v?.state;
  const print = v ? fingerprint(v) : '';
  useEffect(() => {
    if (state !== 'draft') return;
    const timer = setInterval(() => {
      if (document.hidden) return;
      get<Version>(versionPath(version))
        .then((r) => {
          if (fingerprint(r) !== print) show(r);
        })
        .catch(() => undefined);
    }, kPollMs);
    return () => clearInterval(timer);
  }, [state, print, version]);

  const head = (
    <div class="page-head">
      <h1>Definition version {version}</h1>
      <p class="sub">
        <a href={kRoutes.definitions}>All versions</a>
      </p>
    </div>
  );
  if (error)
    return (
      <>
        {head}
        <p role="alert" class="error">
          {error}
        </p>
      </>
    );
  if (!v)
    return (
      <>
        {head}
        <Loading>Loading version {version}…</Loading>
      </>
    );

  const draft = v.state === 'draft';
  return (
    <div class="definition-page">
      {head}
      <section class="panel version-head" aria-labelledby="version-name-h">
        <h2 id="version-name-h" class="definition-name">
          {v.name}
        </h2>
        <VersionFacts v={v} />
        {v.activated_at && v.leads_regraded !== undefined && (
          <p class="activation-result" role="status">
            At activation {count(v.leads_regraded)} open leads were graded again with this version;{' '}
            {count(v.grades_changed ?? 0)} changed grade.
          </p>
        )}
        {!draft && (
          <>
            <h3>Signed by</h3>
            <SignedBy v={v} />
          </>
        )}
      </section>
      {draft && <SignOffPanel session={session} v={v} onChanged={show} />}
      {draft && mayWrite(session) && <DraftEditor key={v.version} v={v} onSaved={show} />}
      <DiffPanel key={`${v.version}:${v.hash}:${versions.length}`} version={v.version} versions={versions} />
      {v.state !== 'active' && <BacktestPanel key={`${v.version}:${v.hash}`} version={v.version} />}
      <section class="panel document" aria-labelledby="document-h">
        <h2 id="document-h">The document</h2>
        <DefinitionView doc={v.definition} headingLevel={3} />
      </section>
    </div>
  );
}
