// The lead definition: the active version rendered for people (rules in
// plain words, grades, SLAs, reject reasons, who signed it), every version
// with its state, and a new draft from the active one for those who may
// write (docs/definition.md).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, Session } from '../api';
import { navigate, pathOf } from '../routes';
import { mayWrite, Version, VersionSummary, versionPath } from '../definition_types';
import { Examples } from '../definition_examples';
import { DefinitionView, SignedBy, VersionFacts, VersionList } from '../definition_view';
import { Loading } from '../ui/states';

interface Loaded {
  active: Version | null;
  versions: VersionSummary[];
}

async function load(): Promise<Loaded> {
  const [active, versions] = await Promise.all([
    get<Version>('/api/v1/definition').catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
    get<{ versions: VersionSummary[] }>('/api/v1/definition/versions'),
  ]);
  return { active, versions: versions.versions };
}

export function Definitions({ session }: { session: Session }) {
  const [data, setData] = useState<Loaded | null>(null);
  const [error, setError] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState('');

  useEffect(() => {
    load()
      .then(setData)
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);

  const createDraft = async () => {
    if (!data) return;
    setCreating(true);
    setCreateError('');
    try {
      let base = data.active;
      const newest = data.versions[data.versions.length - 1];
      if (!base && newest) base = await get<Version>(versionPath(newest.version));
      const doc = base ? base.definition : { name: 'Lead definition', grades: { hot: [], warm: [], cold: [] } };
      const draft = await post<Version>('/api/v1/definition/versions', doc);
      navigate(pathOf('definition', { version: draft.version }));
    } catch (e) {
      setCreateError(e instanceof ApiError ? (e.body.field ? `${e.body.field}: ` : '') + e.message : String(e));
      setCreating(false);
    }
  };

  if (error)
    return (
      <>
        <h1>Lead definition</h1>
        <p role="alert" class="error">
          {error}
        </p>
      </>
    );
  if (!data)
    return (
      <>
        <h1>Lead definition</h1>
        <Loading>Loading the definition…</Loading>
      </>
    );

  const { active, versions } = data;
  return (
    <div class="definition-page">
      <div class="page-head">
        <h1>Lead definition</h1>
        <p class="sub">
          What marketing and sales agreed a lead is. <a href="/definition">Public page</a>
        </p>
      </div>
      {active ? (
        <section class="panel active-definition" aria-labelledby="active-h">
          <h2 id="active-h" class="definition-name">
            {active.definition.name}
          </h2>
          <VersionFacts v={active} />
          <h3>Signed by</h3>
          <SignedBy v={active} />
          <DefinitionView doc={active.definition} headingLevel={3} />
          <Examples version={active.version} />
        </section>
      ) : (
        <section class="panel">
          <h2>No definition is active yet</h2>
          <p>
            Marketing and sales draft one, both approve its content, then it is activated. Until then leads stay ungraded.
          </p>
        </section>
      )}
      <section class="panel versions-panel" aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        <VersionList versions={versions} />
        {mayWrite(session) && (
          <div class="actions create-draft">
            <button type="button" onClick={createDraft} disabled={creating}>
              {active ? `New draft from version ${active.version}` : 'New draft'}
            </button>
          </div>
        )}
        {createError && (
          <p role="alert" class="error">
            {createError}
          </p>
        )}
        <p class="sub">Open a version to read it, compare it with another, backtest a draft, sign it or edit it.</p>
      </section>
    </div>
  );
}
