// What the admin page reads and writes: users, API tokens and the audit log
// (docs/security.md; GET/POST /api/v1/users, /tokens, /audit), and the
// shared pieces of its forms: roles, bindings, field errors.
import { ApiError } from './api';
import { utc } from './format';

export const kRoles = ['admin', 'marketing', 'sales_manager', 'sales_rep', 'vendor', 'viewer'] as const;
export type Role = (typeof kRoles)[number];

export const kRoleText: Record<Role, string> = {
  admin: 'Admin',
  marketing: 'Marketing',
  sales_manager: 'Sales manager',
  sales_rep: 'Sales rep',
  vendor: 'Vendor',
  viewer: 'Viewer',
};

export interface Binding {
  vendor: string;
  rep: string;
  team: string;
}

export interface User extends Binding {
  login: string;
  name: string;
  roles: Role[];
  created_at: string;
  disabled: boolean;
  locked_until: string | null;
  last_login_at: string | null;
}

export interface ApiToken extends Binding {
  id: number;
  roles: Role[];
  label: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  // Only in the answer that created it.
  token?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  record: string | null;
  status: number;
  remote: string | null;
  detail: Record<string, unknown>;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor: string | number | null;
}

// Where the binding choices come from: the vendors of the campaigns, the
// reps and the teams.
export interface BindingChoices {
  vendors: string[];
  reps: { key: string; name: string; team: string }[];
  teams: { key: string; name: string }[];
}

// The binding a set of roles takes: a vendor user is bound to a vendor, a
// rep to a rep key, a sales manager optionally to a team. The other fields
// go as '' so a binding the roles no longer take is cleared.
export function bindingFor(roles: Role[], b: Binding): Binding {
  return {
    vendor: roles.includes('vendor') ? b.vendor : '',
    rep: roles.includes('sales_rep') ? b.rep : '',
    team: roles.includes('sales_manager') ? b.team : '',
  };
}

// "vendor Partnerly", "rep rep-apac-1 · team team-apac", or "".
export function bindingText(b: Binding): string {
  const parts: string[] = [];
  if (b.vendor) parts.push(`vendor ${b.vendor}`);
  if (b.rep) parts.push(`rep ${b.rep}`);
  if (b.team) parts.push(`team ${b.team}`);
  return parts.join(' · ');
}

export const rolesText = (roles: string[]) => roles.map((r) => kRoleText[r as Role] ?? r).join(', ');

// "2026-12-01T01:10:00.234Z" -> "2026-12-01 01:10:00 UTC" (format.ts).
export const when = (iso: string | null | undefined) => utc(iso, true);

// An error of a form: the server's message, and the field it names.
export interface FormError {
  message: string;
  field?: string;
  status?: number;
}

export function formError(e: unknown): FormError {
  if (e instanceof ApiError) return { message: e.message, field: e.body.field ?? undefined, status: e.status };
  return { message: e instanceof Error ? e.message : String(e) };
}

// The message of a refusal for want of the admin role (403), in words.
export function refusal(e: FormError): string {
  return `This page needs the admin role. The server said: ${e.message}`;
}
