// The API tokens tab: the tokens (never their secrets), a new token whose
// secret is shown once, and revoking one after a confirmation
// (GET/POST /api/v1/tokens, POST /api/v1/tokens/{id}/revoke).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from './api';
import { BindingFields, FormAlert, RoleBoxes, TextField } from './admin_fields';
import { ApiToken, Binding, BindingChoices, bindingFor, bindingText, FormError, formError, Role, rolesText, when } from './admin_types';
import { LoadFailure } from './admin_load';
import { ErrorAlert, Loading } from './ui/states';

function stateText(t: ApiToken): string {
  if (t.revoked_at) return `Revoked ${when(t.revoked_at)}`;
  if (t.expires_at && Date.parse(t.expires_at) <= Date.now()) return `Expired ${when(t.expires_at)}`;
  return 'Active';
}

export function TokensTab({ choices }: { choices: BindingChoices }) {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [failure, setFailure] = useState<FormError | null>(null);
  const [secret, setSecret] = useState<ApiToken | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [said, setSaid] = useState('');
  const [rowError, setRowError] = useState<FormError | null>(null);

  const load = async () => {
    try {
      const r = await get<{ tokens: ApiToken[] }>('/api/v1/tokens');
      setTokens(r.tokens);
      setFailure(null);
    } catch (e) {
      setFailure(formError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const revoke = async (t: ApiToken) => {
    try {
      await post(`/api/v1/tokens/${t.id}/revoke`, {});
      setConfirming(null);
      setRowError(null);
      setSaid(`Token ${t.id} is revoked: the server refuses it from now on.`);
      await load();
    } catch (e) {
      setRowError(formError(e));
    }
  };

  if (failure) return <LoadFailure error={failure} what="the tokens" />;
  if (!tokens) return <Loading>Loading the tokens…</Loading>;
  return (
    <>
      <p role="status" class="said">
        {said}
      </p>
      {secret && <Secret token={secret} onDone={() => setSecret(null)} />}
      <section class="panel" aria-labelledby="tokens-h">
        <h2 id="tokens-h">API tokens</h2>
        <p class="sub">
          {tokens.length === 1 ? '1 token' : `${tokens.length} tokens`}, {tokens.filter((t) => stateText(t) === 'Active').length} active.
          Secrets are never shown again after creation.
        </p>
        <ErrorAlert error={rowError} />
        {tokens.length === 0 ? (
          <p>No tokens yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="tokens">
              <thead>
                <tr>
                  <th scope="col">ID</th>
                  <th scope="col">Label</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Binding</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id} data-id={t.id}>
                    <th scope="row" class="id num">
                      {t.id}
                    </th>
                    <td class="label">{t.label}</td>
                    <td class="roles">{rolesText(t.roles)}</td>
                    <td class="binding">{bindingText(t) || '–'}</td>
                    <td class="created">{when(t.created_at)}</td>
                    <td class="expires">{t.expires_at ? when(t.expires_at) : 'Never'}</td>
                    <td class="state">{stateText(t)}</td>
                    <td class="row-actions">
                      {!t.revoked_at &&
                        (confirming === t.id ? (
                          <ConfirmRevoke id={t.id} onYes={() => void revoke(t)} onNo={() => setConfirming(null)} />
                        ) : (
                          <button type="button" class="secondary" aria-label={`Revoke token ${t.id}`} onClick={() => setConfirming(t.id)}>
                            Revoke
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewToken
        choices={choices}
        onCreated={async (t) => {
          setSecret(t);
          setSaid(`Token ${t.id} created.`);
          await load();
        }}
      />
    </>
  );
}

// Revoking cannot be undone: ask first, with the focus on Cancel.
function ConfirmRevoke({ id, onYes, onNo }: { id: number; onYes: () => void; onNo: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <span class="confirm" role="group" aria-label={`Confirm revoking token ${id}`}>
      <span>Revoke token {id}? Whatever uses it stops working at once.</span>
      <button type="button" class="danger" onClick={onYes}>
        Yes, revoke
      </button>
      <button type="button" class="secondary" ref={cancel} onClick={onNo}>
        Cancel
      </button>
    </span>
  );
}

// The secret of a token just made: here once, never again.
function Secret({ token, onDone }: { token: ApiToken; onDone: () => void }) {
  const [copied, setCopied] = useState('');
  const field = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLElement>(null);
  useEffect(() => box.current?.focus(), []);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token ?? '');
      setCopied('Copied to the clipboard.');
    } catch {
      field.current?.select();
      setCopied('The browser refused the clipboard: the secret is selected, copy it with Ctrl+C.');
    }
  };
  return (
    <section class="panel secret" aria-labelledby="secret-h" tabIndex={-1} ref={box}>
      <h2 id="secret-h">The secret of token {token.id}</h2>
      <p class="warning">
        <strong>Copy it now: it is shown only this once.</strong> Leadloop keeps only a hash of it and cannot show it again. Whoever holds it
        acts as {rolesText(token.roles)}; keep it out of chats and code.
      </p>
      <div class="secret-row">
        <label for="token-secret">Secret</label>
        <input id="token-secret" ref={field} readOnly value={token.token ?? ''} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" class="said">
        {copied}
      </p>
      <button type="button" class="secondary" onClick={onDone}>
        I have stored it
      </button>
    </section>
  );
}

function NewToken({ choices, onCreated }: { choices: BindingChoices; onCreated: (t: ApiToken) => Promise<void> }) {
  const [label, setLabel] = useState('');
  const [days, setDays] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [binding, setBinding] = useState<Binding>({ vendor: '', rep: '', team: '' });
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const body: Record<string, unknown> = { label, roles, ...bindingFor(roles, binding) };
      if (days.trim() !== '') body.expires_in_days = Number(days);
      const t = await post<ApiToken>('/api/v1/tokens', body);
      setError(null);
      setLabel('');
      setDays('');
      setRoles([]);
      setBinding({ vendor: '', rep: '', team: '' });
      await onCreated(t);
    } catch (err) {
      setError(formError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="new-token-h">
      <h2 id="new-token-h">Create a token</h2>
      <form class="admin-form" onSubmit={submit} aria-label="Create a token">
        <TextField id="nt-label" field="label" label="Label" value={label} onInput={setLabel} error={error} hint="What uses it, e.g. crm-sync" />
        <TextField
          id="nt-days"
          field="expires_in_days"
          label="Expires in days"
          type="number"
          value={days}
          onInput={setDays}
          error={error}
          hint="Empty: never"
        />
        <RoleBoxes id="nt-roles" roles={roles} onChange={setRoles} error={error} />
        <BindingFields id="nt" roles={roles} binding={binding} choices={choices} onChange={setBinding} error={error} />
        <FormAlert problem={error} fields={['label', 'expires_in_days', 'roles', 'vendor', 'rep', 'team']} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Create token
          </button>
        </div>
      </form>
    </section>
  );
}
