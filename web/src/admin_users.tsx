// The users tab: everyone who may sign in, with roles, binding and state;
// add a user, change one (name, roles, binding), disable or enable them, or
// set a new password (GET/POST /api/v1/users, PUT /api/v1/users/{login}).
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post, put } from './api';
import { BindingFields, FormAlert, RoleBoxes, TextField } from './admin_fields';
import {
  Binding,
  BindingChoices,
  bindingFor,
  bindingText,
  FormError,
  formError,
  Role,
  rolesText,
  User,
  when,
} from './admin_types';
import { LoadFailure } from './admin_load';
import { Loading } from './ui/states';

const kNoBinding: Binding = { vendor: '', rep: '', team: '' };

function stateText(u: User): string {
  if (u.disabled) return 'Disabled';
  if (u.locked_until && Date.parse(u.locked_until) > Date.now()) return `Locked until ${when(u.locked_until)}`;
  return 'Active';
}

export function UsersTab({ choices, self }: { choices: BindingChoices; self: string }) {
  const [users, setUsers] = useState<User[] | null>(null);
  const [failure, setFailure] = useState<FormError | null>(null);
  const [editing, setEditing] = useState('');
  const [said, setSaid] = useState('');
  const [rowError, setRowError] = useState<{ login: string; error: FormError } | null>(null);

  const load = async () => {
    try {
      const r = await get<{ users: User[] }>('/api/v1/users');
      setUsers(r.users);
      setFailure(null);
    } catch (e) {
      setFailure(formError(e));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const toggle = async (u: User) => {
    setRowError(null);
    try {
      await put<User>('/api/v1/users/' + encodeURIComponent(u.login), { disabled: !u.disabled });
      setSaid(u.disabled ? `${u.login} is enabled again.` : `${u.login} is disabled; their sessions have ended.`);
      await load();
    } catch (e) {
      setRowError({ login: u.login, error: formError(e) });
    }
  };

  if (failure) return <LoadFailure error={failure} what="the users" />;
  if (!users) return <Loading>Loading the users…</Loading>;
  const edited = users.find((u) => u.login === editing);
  return (
    <>
      <p role="status" class="said">
        {said}
      </p>
      <section class="panel" aria-labelledby="users-h">
        <h2 id="users-h">Users</h2>
        <p class="sub">{users.length === 1 ? '1 user' : `${users.length} users`}</p>
        {rowError && (
          <p role="alert" class="error">
            {rowError.login}: {rowError.error.message}
          </p>
        )}
        <div class="table-wrap">
          <table class="users">
            <thead>
              <tr>
                <th scope="col">Login</th>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Binding</th>
                <th scope="col">State</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.login} data-login={u.login}>
                  <th scope="row" class="login">
                    {u.login}
                  </th>
                  <td class="name">{u.name}</td>
                  <td class="roles">{rolesText(u.roles)}</td>
                  <td class="binding">{bindingText(u) || '–'}</td>
                  <td class="state">{stateText(u)}</td>
                  <td class="last">{when(u.last_login_at)}</td>
                  <td class="created">{when(u.created_at)}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Edit ${u.login}`}
                      aria-expanded={editing === u.login}
                      onClick={() => setEditing(editing === u.login ? '' : u.login)}
                    >
                      Edit
                    </button>
                    {u.login !== self && (
                      <button type="button" class="secondary" aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.login}`} onClick={() => void toggle(u)}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {edited && (
        <EditUser
          key={edited.login}
          user={edited}
          choices={choices}
          onDone={async (message) => {
            setSaid(message);
            await load();
          }}
          onClose={() => setEditing('')}
        />
      )}
      <NewUser
        choices={choices}
        onCreated={async (u) => {
          setSaid(`User ${u.login} created.`);
          await load();
        }}
      />
    </>
  );
}

function NewUser({ choices, onCreated }: { choices: BindingChoices; onCreated: (u: User) => Promise<void> }) {
  const [login, setLogin] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [binding, setBinding] = useState<Binding>(kNoBinding);
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const u = await post<User>('/api/v1/users', { login, name, password, roles, ...bindingFor(roles, binding) });
      setError(null);
      setLogin('');
      setName('');
      setPassword('');
      setRoles([]);
      setBinding(kNoBinding);
      await onCreated(u);
    } catch (err) {
      setError(formError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="new-user-h">
      <h2 id="new-user-h">Add a user</h2>
      <form class="admin-form" onSubmit={submit} aria-label="Add a user">
        <TextField id="nu-login" field="login" label="Login" value={login} onInput={setLogin} error={error} hint="Letters, digits and . _ @ -" />
        <TextField id="nu-name" field="name" label="Name" value={name} onInput={setName} error={error} />
        <TextField
          id="nu-password"
          field="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          value={password}
          onInput={setPassword}
          error={error}
          hint="12 characters or more"
        />
        <RoleBoxes id="nu-roles" roles={roles} onChange={setRoles} error={error} />
        <BindingFields id="nu" roles={roles} binding={binding} choices={choices} onChange={setBinding} error={error} />
        <FormAlert problem={error} fields={['login', 'name', 'password', 'roles', 'vendor', 'rep', 'team']} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Add user
          </button>
        </div>
      </form>
    </section>
  );
}

function EditUser({
  user,
  choices,
  onDone,
  onClose,
}: {
  user: User;
  choices: BindingChoices;
  onDone: (message: string) => Promise<void>;
  onClose: () => void;
}) {
  const [name, setName] = useState(user.name);
  const [roles, setRoles] = useState<Role[]>(user.roles);
  const [binding, setBinding] = useState<Binding>({ vendor: user.vendor, rep: user.rep, team: user.team });
  const [password, setPassword] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [pwError, setPwError] = useState<FormError | null>(null);
  const path = '/api/v1/users/' + encodeURIComponent(user.login);
  // Opened from a row's Edit: the keyboard goes on here.
  const box = useRef<HTMLElement>(null);
  useEffect(() => box.current?.focus(), []);

  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await put<User>(path, { name, roles, ...bindingFor(roles, binding) });
      setError(null);
      await onDone(`${user.login} saved.`);
    } catch (err) {
      setError(formError(err));
    }
  };
  const setPw = async (e: Event) => {
    e.preventDefault();
    try {
      await put<User>(path, { password });
      setPwError(null);
      setPassword('');
      await onDone(`${user.login} has a new password; their sessions have ended and a lock is cleared.`);
    } catch (err) {
      setPwError(formError(err));
    }
  };

  return (
    <section class="panel edit-user" aria-labelledby="edit-user-h" tabIndex={-1} ref={box}>
      <div class="panel-head">
        <h2 id="edit-user-h">Change {user.login}</h2>
        <button type="button" class="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <p class="sub">New roles or a new binding end the user's sessions.</p>
      <form class="admin-form" onSubmit={save} aria-label={`Change ${user.login}`}>
        <TextField id="eu-name" field="name" label="Name" value={name} onInput={setName} error={error} />
        <RoleBoxes id="eu-roles" roles={roles} onChange={setRoles} error={error} />
        <BindingFields id="eu" roles={roles} binding={binding} choices={choices} onChange={setBinding} error={error} />
        <FormAlert problem={error} fields={['name', 'roles', 'vendor', 'rep', 'team']} />
        <div class="actions">
          <button type="submit">Save changes</button>
        </div>
      </form>
      <form class="admin-form" onSubmit={setPw} aria-label={`New password for ${user.login}`}>
        <TextField
          id="eu-password"
          field="password"
          label="New password"
          type="password"
          autocomplete="new-password"
          value={password}
          onInput={setPassword}
          error={pwError}
          hint="12 characters or more"
        />
        <FormAlert problem={pwError} fields={['password']} />
        <div class="actions">
          <button type="submit">Set password</button>
        </div>
      </form>
    </section>
  );
}
