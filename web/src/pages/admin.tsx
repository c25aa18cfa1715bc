// Administration (admin only): users and their roles, API tokens, and the
// audit log, one tab each; the tab is in the URL (/admin?tab=tokens). A
// caller without the admin role gets the API's 403 said in words.
import { useEffect, useState } from 'preact/hooks';
import { get, Session } from '../api';
import { BindingChoices } from '../admin_types';
import { UsersTab } from '../admin_users';
import { TokensTab } from '../admin_tokens';
import { AuditTab } from '../admin_audit';

const kTabs = [
  { key: 'users', label: 'Users' },
  { key: 'tokens', label: 'API tokens' },
  { key: 'audit', label: 'Audit log' },
] as const;
type Tab = (typeof kTabs)[number]['key'];

function tabOf(search: string): Tab {
  const t = new URLSearchParams(search).get('tab');
  return kTabs.find((k) => k.key === t)?.key ?? 'users';
}

// The query string follows the app's navigation (links, Back, Forward).
function useSearch(): string {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const on = () => setSearch(location.search);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return search;
}

interface Choices extends BindingChoices {
  actors: string[];
}

// The bindings on offer (the vendors of the campaigns, the reps, the
// teams) and the actors the audit filter suggests. A list that cannot be
// read offers nothing; the page works without it.
async function loadChoices(): Promise<Choices> {
  const [campaigns, reps, teams, users, tokens] = await Promise.all([
    get<{ campaigns: { vendor: string | null }[] }>('/api/v1/campaigns').catch(() => ({ campaigns: [] })),
    get<{ reps: { key: string; name: string; team: string }[] }>('/api/v1/reps').catch(() => ({ reps: [] })),
    get<{ teams: { key: string; name: string }[] }>('/api/v1/teams').catch(() => ({ teams: [] })),
    get<{ users: { login: string }[] }>('/api/v1/users').catch(() => ({ users: [] })),
    get<{ tokens: { id: number; label: string }[] }>('/api/v1/tokens').catch(() => ({ tokens: [] })),
  ]);
  const vendors = [...new Set(campaigns.campaigns.map((c) => c.vendor).filter((v): v is string => !!v))].sort();
  return {
    vendors,
    reps: reps.reps,
    teams: teams.teams,
    actors: [
      ...users.users.map((u) => 'user:' + u.login),
      ...tokens.tokens.map((t) => (t.label ? `token:${t.id}:${t.label}` : `token:${t.id}`)),
    ],
  };
}

export function Admin({ session }: { session: Session }) {
  const tab = tabOf(useSearch());
  const [choices, setChoices] = useState<Choices>({ vendors: [], reps: [], teams: [], actors: [] });
  useEffect(() => {
    loadChoices()
      .then(setChoices)
      .catch(() => undefined);
  }, [tab]);

  return (
    <>
      <div class="page-head">
        <h1>Administration</h1>
      </div>
      <nav class="admin-tabs" aria-label="Administration sections">
        {kTabs.map((t) => (
          <a key={t.key} href={`/admin?tab=${t.key}`} aria-current={tab === t.key ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <div class="admin-body">
        {tab === 'users' && <UsersTab choices={choices} self={session.login} />}
        {tab === 'tokens' && <TokensTab choices={choices} />}
        {tab === 'audit' && <AuditTab actors={choices.actors} />}
      </div>
    </>
  );
}
