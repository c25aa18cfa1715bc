// Form fields the admin forms share: a labelled input with the server's
// error under it, the roles as checkboxes, and the binding the roles take
// (vendor, rep, team) as choices from the API.
import { ComponentChildren } from 'preact';
import { Binding, BindingChoices, FormError, kRoles, kRoleText, Role } from './admin_types';

// The error message under a field, when the server named that field.
export function FieldError({ id, error, field }: { id: string; error: FormError | null; field: string }) {
  if (!error || error.field !== field) return null;
  return (
    <p id={id + '-error'} class="error field-error">
      {error.message}
    </p>
  );
}

// A form's error that names no field of the form (or every error, when
// `all`): said once, above the buttons.
export function FormAlert({ error, fields }: { error: FormError | null; fields: string[] }) {
  if (!error || (error.field && fields.includes(error.field))) return null;
  return (
    <p role="alert" class="error">
      {error.message}
    </p>
  );
}

interface InputProps {
  id: string;
  field: string;
  label: string;
  value: string;
  onInput: (v: string) => void;
  error: FormError | null;
  type?: 'text' | 'password' | 'number' | 'date';
  autocomplete?: string;
  hint?: string;
  required?: boolean;
}

export function TextField(p: InputProps) {
  const bad = p.error?.field === p.field;
  const described = [p.hint ? p.id + '-hint' : '', bad ? p.id + '-error' : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        // The input types' attribute unions want one literal type here.
        {...({ type: p.type ?? 'text' } as { type: 'text' })}
        value={p.value}
        autocomplete={p.autocomplete ?? 'off'}
        required={p.required}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={described || undefined}
        onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {p.hint && (
        <span id={p.id + '-hint'} class="hint">
          {p.hint}
        </span>
      )}
      <FieldError id={p.id} error={p.error} field={p.field} />
    </div>
  );
}

export function RoleBoxes({
  id,
  roles,
  onChange,
  error,
}: {
  id: string;
  roles: Role[];
  onChange: (r: Role[]) => void;
  error: FormError | null;
}) {
  const bad = error?.field === 'roles';
  const toggle = (r: Role, on: boolean) => onChange(kRoles.filter((x) => (x === r ? on : roles.includes(x))));
  return (
    <fieldset class="roles-field" aria-describedby={bad ? id + '-error' : undefined}>
      <legend>Roles</legend>
      {kRoles.map((r) => (
        <label key={r} class="check">
          <input
            type="checkbox"
            name={id}
            value={r}
            checked={roles.includes(r)}
            onChange={(e) => toggle(r, (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {kRoleText[r]}
        </label>
      ))}
      <FieldError id={id} error={error} field="roles" />
    </fieldset>
  );
}

function Choice({
  id,
  field,
  label,
  value,
  onChange,
  error,
  children,
}: {
  id: string;
  field: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error: FormError | null;
  children: ComponentChildren;
}) {
  const bad = error?.field === field;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        value={value}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={bad ? id + '-error' : undefined}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {children}
      </select>
      <FieldError id={id} error={error} field={field} />
    </div>
  );
}

// The binding fields the roles need: a vendor for the vendor role, a rep
// for a sales rep, a team (or every team) for a sales manager. A value the
// choices lack (a binding made elsewhere) stays offered.
export function BindingFields({
  id,
  roles,
  binding,
  choices,
  onChange,
  error,
}: {
  id: string;
  roles: Role[];
  binding: Binding;
  choices: BindingChoices;
  onChange: (b: Binding) => void;
  error: FormError | null;
}) {
  const set = (k: keyof Binding) => (v: string) => onChange({ ...binding, [k]: v });
  const keep = (list: string[], v: string) => (v && !list.includes(v) ? [v, ...list] : list);
  return (
    <>
      {roles.includes('vendor') && (
        <Choice id={id + '-vendor'} field="vendor" label="Vendor" value={binding.vendor} onChange={set('vendor')} error={error}>
          <option value="">Choose a vendor…</option>
          {keep(choices.vendors, binding.vendor).map((v) => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </Choice>
      )}
      {roles.includes('sales_rep') && (
        <Choice id={id + '-rep'} field="rep" label="Rep" value={binding.rep} onChange={set('rep')} error={error}>
          <option value="">Choose a rep…</option>
          {keep(
            choices.reps.map((r) => r.key),
            binding.rep,
          ).map((k) => {
            const r = choices.reps.find((x) => x.key === k);
            return (
              <option key={k} value={k}>
                {r ? `${r.name} (${k})` : k}
              </option>
            );
          })}
        </Choice>
      )}
      {roles.includes('sales_manager') && (
        <Choice id={id + '-team'} field="team" label="Team" value={binding.team} onChange={set('team')} error={error}>
          <option value="">Every team</option>
          {keep(
            choices.teams.map((t) => t.key),
            binding.team,
          ).map((k) => {
            const t = choices.teams.find((x) => x.key === k);
            return (
              <option key={k} value={k}>
                {t ? `${t.name} (${k})` : k}
              </option>
            );
          })}
        </Choice>
      )}
    </>
  );
}
