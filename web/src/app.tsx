// The app's frame: who is signed in, the header, and the page of the route.
import { useEffect, useState } from 'preact/hooks';
import { currentSession, Session, signOut } from './api';
import { kRoutes, navigate } from './routes';
import { SignIn } from './pages/sign_in';
import { Overview } from './pages/overview';

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

export function App() {
  const path = usePath();
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
    if (session && (path === '/' || path === kRoutes.signIn)) navigate(kRoutes.overview);
  }, [session, path]);

  if (failure) return <p role="alert" class="error">Leadloop cannot be reached: {failure}</p>;
  if (session === undefined) return <p class="loading">Loading Leadloop…</p>;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  const out = async () => {
    await signOut().catch(() => undefined);
    setSession(null);
  };
  return (
    <>
      <header class="top">
        <a class="brand" href={kRoutes.overview}>
          Leadloop
        </a>
        <nav aria-label="Pages">
          <a href={kRoutes.overview} aria-current={path === kRoutes.overview ? 'page' : undefined}>
            Overview
          </a>
        </nav>
        <span class="who">
          <span class="login">{session.login}</span> <span class="roles">({session.roles.join(', ')})</span>
        </span>
        <button type="button" class="secondary" onClick={out}>
          Sign out
        </button>
      </header>
      <main id="main">
        {path === kRoutes.overview ? <Overview session={session} /> : <NotFound />}
      </main>
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
