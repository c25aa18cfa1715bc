// Sign-in: POST /api/v1/session with the login and password as JSON; the
// answer's CSRF token is kept (api.ts) for every later write.
import { useState } from 'preact/hooks';
import { ApiError, Session, signIn } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await signIn(login.trim(), password));
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'Wrong login or password.'
          : err instanceof Error
            ? err.message
            : 'Sign-in failed.',
      );
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Leadloop</h1>
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <label for="login">Login</label>
        <input
          id="login"
          name="login"
          autocomplete="username"
          required
          value={login}
          onInput={(e) => setLogin(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p id="sign-in-error" role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
