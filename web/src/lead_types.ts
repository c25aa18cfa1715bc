// A lead as the API answers it (GET /api/v1/leads, docs/api.md), its
// timeline, and the lifecycle's table of moves (docs/lifecycle.md), typed as
// far as the lead desk, the lead list and a lead's page use them.

export interface ScoreReason {
  rule: string;
  says: string;
  inputs: string;
  points: number;
}
export interface GradeReason {
  rule: string;
  says: string;
  inputs: string;
  held: boolean;
}
export interface Grading {
  grade: string;
  score: number;
  summary: string;
  reasons: GradeReason[];
  score_reasons: ScoreReason[];
}

export interface Lead {
  id: number;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  title: string | null;
  industry: string | null;
  country: string | null;
  region: string | null;
  source_campaign: string;
  // Its id in the system it came from; the vendor's agent who called.
  external_id: string | null;
  caller: string | null;
  employees: number | null;
  attributes: Record<string, string>;
  consent: { email: string; phone: string; mail: string };
  stage: string;
  grade: string | null;
  owner: string | null;
  created_at: string;
  updated_at: string;
  last_touch_at: string | null;
  touch_count: number;
  data_points: Record<string, string>;
  score: number;
  definition_version: number | null;
  grading: Grading | null;
  assigned_at: string | null;
  first_response_at: string | null;
  follow_up: { due_at: string | null; breached: boolean; decays_at: string | null };
}

export interface LeadPage {
  leads: Lead[];
  next_cursor: string | number | null;
}

export interface LeadEvent {
  id: number;
  lead: number;
  type: string;
  at: string;
  actor: string;
  payload: Record<string, unknown>;
}
export interface Timeline {
  lead: number;
  stage: string;
  events: LeadEvent[];
}

export interface RepLoad {
  key: string;
  name: string;
  team: string | null;
  region: string | null;
  capacity: number;
  away: boolean;
  active: boolean;
  open_leads: number;
}

// The channels a touch may be on (the API's TouchInput).
export const kChannels = ['call', 'email', 'mail', 'meeting', 'visit', 'webinar', 'event', 'web', 'social', 'other'];

export const kStages = [
  'captured',
  'qualified',
  'assigned',
  'accepted',
  'rejected',
  'working',
  'opportunity',
  'won',
  'lost',
  'nurture',
  'recycled',
  'disqualified',
  'opted_out',
];

// Where a lead may move from each stage (src/domain/stage.cc; the readable
// copy is in docs/lifecycle.md). The server decides; this only offers the
// moves it would take. `assigned` is left out: a lead gets there by an owner.
export const kMoves: Record<string, string[]> = {
  captured: ['qualified', 'accepted', 'rejected', 'nurture', 'recycled', 'disqualified', 'opted_out'],
  qualified: ['accepted', 'rejected', 'nurture', 'recycled', 'disqualified', 'opted_out'],
  assigned: ['accepted', 'rejected', 'qualified', 'nurture', 'recycled', 'disqualified', 'opted_out'],
  accepted: ['working', 'opportunity', 'lost', 'nurture', 'disqualified', 'opted_out'],
  rejected: ['recycled', 'nurture', 'disqualified', 'opted_out'],
  working: ['opportunity', 'lost', 'nurture', 'disqualified', 'opted_out'],
  opportunity: ['won', 'lost', 'opted_out'],
  won: ['opted_out'],
  lost: ['recycled', 'nurture', 'opted_out'],
  nurture: ['qualified', 'accepted', 'rejected', 'recycled', 'disqualified', 'opted_out'],
  recycled: ['qualified', 'accepted', 'rejected', 'nurture', 'disqualified', 'opted_out'],
  disqualified: ['recycled', 'opted_out'],
  opted_out: [],
};

// The person's name, else the company, else the lead's number.
export function leadName(l: Pick<Lead, 'id' | 'first_name' | 'last_name' | 'company' | 'email'>): string {
  const name = [l.first_name, l.last_name].filter((s) => !!s).join(' ');
  return name || l.company || l.email || `Lead ${l.id}`;
}

// "2026-03-03" / "2026-03-03 09:14 UTC"; '–' for none: the one form of
// format.ts on every page.
export { date as day, utc as moment } from './format';

// How long ago, in words: "45 min", "5 h", "12 days".
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const h = (now - new Date(iso).getTime()) / 3600000;
  if (h < 1) return `${Math.max(0, Math.round(h * 60))} min`;
  if (h < 48) return `${Math.round(h)} h`;
  return `${Math.round(h / 24)} days`;
}

const kGradeOrder: Record<string, number> = { hot: 0, warm: 1, cold: 2, unqualified: 3 };
export const gradeRank = (g: string | null | undefined) => (g ? (kGradeOrder[g] ?? 4) : 5);
