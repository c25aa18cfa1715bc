// The HTTP API as the app uses it: same-origin requests with the session
// cookie; every write carries the session's CSRF token (docs/security.md).
// Errors come back as ApiError with the server's message and field.

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

export interface Session {
  login: string;
  roles: string[];
  csrf_token: string;
  vendor?: string;
  rep?: string;
  team?: string;
}

let csrf = '';

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    const err = (parsed as { error?: ApiErrorBody } | null)?.error;
    throw new ApiError(res.status, err ?? { code: 'http_' + res.status, message: `the server answered ${res.status}` });
  }
  return parsed as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown) => request<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);

// A query string from the values that are set ('' and undefined left out).
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}

// The signed-in session, or null when there is none.
export async function currentSession(): Promise<Session | null> {
  try {
    const s = await get<Session & { kind: string }>('/api/v1/session');
    if (s.kind !== 'session') return null;
    csrf = s.csrf_token;
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signIn(login: string, password: string): Promise<Session> {
  const s = await post<Session>('/api/v1/session', { login, password });
  csrf = s.csrf_token;
  return s;
}

export async function signOut(): Promise<void> {
  try {
    await post('/api/v1/session/logout', {});
  } finally {
    csrf = '';
  }
}
