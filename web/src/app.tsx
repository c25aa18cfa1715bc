// The app's frame: who is signed in, the header with the pages the caller's
// roles may use, and the page of the route.
import { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { currentSession, Session, signOut } from './api';
import { kRoutes, match, Match, navigate, RouteName } from './routes';
import { SignIn } from './pages/sign_in';
import { Overview } from './pages/overview';
import { Campaigns } from './pages/campaigns';
import { CampaignPage } from './pages/campaign';
import { Desk } from './pages/desk';
import { MyLeadsPage } from './pages/my_leads';
import { Leads } from './pages/leads';
import { LeadPage } from './pages/lead';
import { Definitions } from './pages/definitions';
import { DefinitionVersion } from './pages/definition_version';
import { Accuracy } from './pages/accuracy';
import { Goals } from './pages/goals';
import { Webhooks } from './pages/webhooks';
import { DeliveriesPage } from './pages/deliveries';
import { Programmes } from './pages/programmes';
import { Forms } from './pages/forms';
import { Leaderboards } from './pages/leaderboards';
import { Admin } from './pages/admin';

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

// A click on a link to one of the app's pages changes the route without
// loading the page again (the session and the choices stay).
function useLinkNavigation() {
  useEffect(() => {
    const on = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || a.target || a.hasAttribute('download')) return;
      const url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !match(url.pathname)) return;
      e.preventDefault();
      navigate(url.pathname + url.search);
    };
    addEventListener('click', on);
    return () => removeEventListener('click', on);
  }, []);
}

const kSalesSide = ['admin', 'marketing', 'sales_manager'];

// The pages in the header, and the roles that may use each (the API refuses
// the others anyway: this only keeps dead links out of the header).
const kNav: { route: RouteName; label: string; roles?: string[] }[] = [
  { route: 'myLeads', label: 'My leads', roles: ['sales_rep'] },
  { route: 'overview', label: 'Overview' },
  { route: 'campaigns', label: 'Campaigns' },
  { route: 'desk', label: 'Lead desk', roles: kSalesSide },
  { route: 'leads', label: 'Leads', roles: [...kSalesSide, 'sales_rep', 'vendor'] },
  { route: 'definitions', label: 'Definition' },
  { route: 'accuracy', label: 'Accuracy', roles: [...kSalesSide, 'viewer'] },
  { route: 'goals', label: 'Goals' },
  { route: 'forms', label: 'Forms', roles: ['admin', 'marketing'] },
  { route: 'programmes', label: 'Nurture', roles: kSalesSide },
  { route: 'leaderboards', label: 'Leaderboards' },
  { route: 'admin', label: 'Admin', roles: ['admin'] },
  { route: 'webhooks', label: 'Webhooks', roles: ['admin'] },
  { route: 'deliveries', label: 'Deliveries', roles: ['admin'] },
];

// Where a user lands: a sales rep (bound to a rep) on their own leads, the
// others on the overview.
export const homeOf = (session: Session) => (session.rep && session.roles.includes('sales_rep') ? kRoutes.myLeads : kRoutes.overview);

export const mayUse = (session: Session, route: RouteName) => {
  const roles = kNav.find((n) => n.route === route)?.roles;
  return !roles || session.roles.some((r) => roles.includes(r));
};

// Which header entry a route belongs to (a campaign's page to Campaigns).
const kSection: Partial<Record<RouteName, RouteName>> = {
  campaign: 'campaigns',
  lead: 'leads',
  definition: 'definitions',
};

function page(m: Match | null, session: Session): ComponentChildren {
  if (!m) return <NotFound />;
  const p = m.params;
  switch (m.route) {
    case 'overview':
      return <Overview session={session} />;
    case 'campaigns':
      return <Campaigns session={session} />;
    case 'campaign':
      return <CampaignPage session={session} campaignKey={p.key} />;
    case 'myLeads':
      return <MyLeadsPage session={session} />;
    case 'desk':
      return <Desk session={session} />;
    case 'leads':
      return <Leads session={session} />;
    case 'lead':
      return <LeadPage session={session} id={p.id} />;
    case 'definitions':
      return <Definitions session={session} />;
    case 'definition':
      return <DefinitionVersion session={session} version={p.version} />;
    case 'accuracy':
      return <Accuracy session={session} />;
    case 'goals':
      return <Goals session={session} />;
    case 'forms':
      return <Forms session={session} />;
    case 'leaderboards':
      return <Leaderboards session={session} />;
    case 'admin':
      return <Admin session={session} />;
    case 'webhooks':
      return <Webhooks session={session} />;
    case 'deliveries':
      return <DeliveriesPage session={session} />;
    case 'programmes':
      return <Programmes session={session} />;
    default:
      return <NotFound />;
  }
}

export function App() {
  const path = usePath();
  useLinkNavigation();
  // undefined: not known yet; null: nobody signed in.
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [failure, setFailure] = useState('');

  useEffect(() => {
    currentSession()
      .then(setSession)
      .catch((e: Error) => setFailure(e.message));
  }, []);

  useEffect(() => {
    if (session === undefined) return;
    if (session === null && path !== kRoutes.signIn) navigate(kRoutes.signIn);
    if (session && (path === '/' || path === kRoutes.signIn)) navigate(homeOf(session));
  }, [session, path]);

  if (failure) return <p role="alert" class="error">Leadloop cannot be reached: {failure}</p>;
  if (session === undefined) return <p class="loading">Loading Leadloop…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const out = async () => {
    await signOut().catch(() => undefined);
    setSession(null);
  };
  const m = match(path);
  const section = m ? (kSection[m.route] ?? m.route) : null;
  return (
    <>
      <header class="top">
        <a class="brand" href={homeOf(session)}>
          Leadloop
        </a>
        <nav aria-label="Pages">
          {kNav
            .filter((n) => mayUse(session, n.route))
            .map((n) => (
              <a key={n.route} href={kRoutes[n.route]} aria-current={section === n.route ? 'page' : undefined}>
                {n.label}
              </a>
            ))}
        </nav>
        <span class="who">
          <span class="login">{session.login}</span> <span class="roles">({session.roles.join(', ')})</span>
        </span>
        <button type="button" class="secondary" onClick={out}>
          Sign out
        </button>
      </header>
      <main id="main">{page(m, session)}</main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <a href={kRoutes.overview}>Go to the overview</a>
      </p>
    </section>
  );
}
