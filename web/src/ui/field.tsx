// Form fields: a labelled control with the server's error for it (the
// control marked aria-invalid and described by the error), and the form's
// error that names none of its fields.
import { ComponentChildren } from 'preact';
import { ErrorAlert } from './states';

// What a form shows of a refusal: the server's message and the field it names.
export interface FieldProblem {
  message: string;
  field?: string;
}

// The server's message under the field it names; its id is the control's
// id + '-error'.
export function FieldError({ id, problem, field }: { id: string; problem: FieldProblem | null; field: string }) {
  if (!problem || problem.field !== field) return null;
  return (
    <p id={id + '-error'} class="field-error" role="alert">
      {problem.message}
    </p>
  );
}

// The attributes a field's control takes: its id, aria-invalid while the
// server names its field, described by the error or else by the field's note.
export interface Control {
  id: string;
  'aria-invalid'?: 'true';
  'aria-describedby'?: string;
}

export function controlOf(id: string, problem: FieldProblem | null, field: string, note?: string): Control {
  const bad = problem?.field === field;
  const described = [note, bad ? id + '-error' : ''].filter(Boolean).join(' ');
  return { id, 'aria-invalid': bad ? 'true' : undefined, 'aria-describedby': described || undefined };
}

// A div.field: the label, the control (drawn by `children` with the
// attributes of `controlOf`), an optional note (id + '-note') and the error.
export function Field({
  id,
  label,
  field,
  problem,
  note,
  wide,
  children,
}: {
  id: string;
  label: string;
  field: string;
  problem: FieldProblem | null;
  note?: ComponentChildren;
  wide?: boolean;
  children: (c: Control) => ComponentChildren;
}) {
  return (
    <div class={wide ? 'field wide' : 'field'}>
      <label for={id}>{label}</label>
      {children(controlOf(id, problem, field, note ? id + '-note' : undefined))}
      {note && (
        <p id={id + '-note'} class="hint">
          {note}
        </p>
      )}
      <FieldError id={id} problem={problem} field={field} />
    </div>
  );
}

// A form's error that names none of `fields`: said once, under the form.
export function FormAlert({ problem, fields }: { problem: FieldProblem | null; fields: readonly string[] }) {
  if (problem?.field && fields.includes(problem.field)) return null;
  return <ErrorAlert error={problem} />;
}
