// The lead definition as the API answers it (docs/definition.md): versions,
// their documents and approvals, the diff, the backtest and the accuracy
// report; and who may do what.
import { Session } from './api';
import { utc } from './format';

export interface Rule {
  when: string;
  says: string;
}

export interface ScoreSignal {
  when: string;
  points: number;
  says: string;
}

export type RuledGrade = 'hot' | 'warm' | 'cold';
export const kRuledGrades: RuledGrade[] = ['hot', 'warm', 'cold'];

export interface RoutingRule extends Rule {
  rep?: string;
  team?: string;
}

export interface DefinitionDoc {
  name: string;
  description?: string;
  required_fields?: string[];
  qualification?: Rule[];
  grades?: Partial<Record<RuledGrade, Rule[] | null>>;
  score?: ScoreSignal[];
  decay?: { warm_to_cold_days?: number };
  sla_hours?: Partial<Record<RuledGrade, number>>;
  reject_reasons?: { code: string; label: string }[];
  call_guide?: { key: string; question: string; type?: string; choices?: string[] }[];
  routing?: {
    by_grade?: Record<string, string>;
    rules?: RoutingRule[];
    reassign_after_hours?: number;
    nurture_programme?: string;
  };
  examples?: unknown;
}

export interface Approval {
  side: string;
  actor: string;
  role: string;
  hash: string;
  at: string;
  // Set when an edit of the draft voided the approval: the edit's time and author.
  voided_at?: string;
  voided_by?: string;
}

export type VersionState = 'draft' | 'active' | 'retired';

export interface VersionSummary {
  version: number;
  state: VersionState;
  name: string;
  hash: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  activated_at: string | null;
  activated_by: string | null;
  approvals: Approval[];
  // Approvals that no longer count (voided by an edit, or of another hash), kept on record.
  voided_approvals?: Approval[];
  signed_by: string[];
  leads_regraded?: number;
  grades_changed?: number;
}

export interface Version extends VersionSummary {
  definition: DefinitionDoc;
  source?: string;
}

export interface DiffChange {
  section: string;
  change: 'added' | 'removed' | 'changed';
  from: string;
  to: string;
}

export interface Diff {
  from: number;
  to: number;
  changes: DiffChange[];
}

export interface Outcomes {
  leads: number;
  accepted: number;
  rejected: number;
  rejected_by_reason: Record<string, number>;
  opportunities: number;
  wins: number;
}

export interface Backtest {
  version: number;
  compared_with: number | string;
  from: string;
  to: string;
  leads: number;
  active: Record<string, Outcomes>;
  draft: Record<string, Outcomes>;
  changed: number;
  changes: { lead: number; from: string; to: string }[];
  changes_truncated: boolean;
}

export interface Disagreement {
  lead: number;
  grade: string;
  kind: string;
  outcome: string;
  grading: string;
  answer?: { was_lead: boolean; note: string; reviewer: string; at: string };
}

export interface Accuracy {
  from: string;
  to: string;
  default_period: 'last_14_days' | 'last_90_days' | 'last_365_days' | 'everything' | null;
  by_grade: Record<string, Outcomes>;
  precision: Record<'hot' | 'warm', { accepted: number | null; opportunity: number | null }>;
  base_rate: { accepted: number | null; converted: number | null };
  recall: { hot: number | null; hot_or_warm: number | null };
  lift: Record<'hot' | 'warm', { accepted: number | null; converted: number | null }>;
  misses: number;
  review_queue: Disagreement[];  // one page (limit, cursor)
  review_queue_total: number;
  next_cursor: string | null;
  reviewed: Disagreement[];  // one page (limit, reviewed_cursor)
  reviewed_total: number;
  reviewed_next_cursor: string | null;
  answers: { was_lead: number; not_a_lead: number };
}

export interface CheckResult {
  valid: boolean;
  issues: { line: number; column: number; path: string; message: string }[];
  hash?: string;
}

// The grades in the order people read them; `ungraded` only when present.
export function gradeOrder(byGrade: Record<string, unknown>): string[] {
  const known = ['hot', 'warm', 'cold', 'unqualified', 'ungraded'];
  const rest = Object.keys(byGrade).filter((g) => !known.includes(g));
  return [...known.filter((g) => g in byGrade), ...rest];
}

// Roles (docs/definition.md#who-may-do-what).
const kWriters = ['admin', 'marketing', 'sales_manager'];
export const mayWrite = (s: Session) => s.roles.some((r) => kWriters.includes(r));
export const mayReview = mayWrite;
export function signingSide(s: Session): 'marketing' | 'sales' | null {
  if (s.roles.includes('marketing')) return 'marketing';
  if (s.roles.includes('sales_manager') || s.roles.includes('sales_rep')) return 'sales';
  return null;
}

export const shortHash = (h: string) => h.slice(0, 12);

// "2026-03-16T10:30:00.000Z" -> "2026-03-16 10:30 UTC" (format.ts).
export const when = (iso: string | null | undefined) => utc(iso);

export const versionPath = (v: number | string) => `/api/v1/definition/versions/${encodeURIComponent(String(v))}`;
