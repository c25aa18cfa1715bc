// Form fields the admin forms share: a labelled input with the server's
// error under it, the roles as checkboxes, and the binding the roles take
// (vendor, rep, team) as choices from the API.
import { ComponentChildren } from 'preact';
import { Binding, BindingChoices, FormError, kRoles, kRoleText, Role } from './admin_types';
import { Field, FieldError } from './ui/field';

export { FormAlert } from './ui/field';

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
  return (
    <Field id={p.id} label={p.label} field={p.field} problem={p.error} note={p.hint}>
      {(c) => (
        <input
          {...c}
          // The input types' attribute unions want one literal type here.
          {...({ type: p.type ?? 'text' } as { type: 'text' })}
          value={p.value}
          autocomplete={p.autocomplete ?? 'off'}
          required={p.required}
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
    </Field>
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
      <FieldError id={id} problem={error} field="roles" />
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
  return (
    <Field id={id} label={label} field={field} problem={error}>
      {(c) => (
        <select {...c} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
          {children}
        </select>
      )}
    </Field>
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
