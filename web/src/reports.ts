// The report and goal answers the overview reads (docs/reports.md,
// docs/goals.md), typed as far as the app uses them.

export interface FunnelStep {
  stage: string;
  reached: number;
  conversion: number | null;
  of_leads: number;
}
export interface FunnelReport {
  by?: string; // the grouping asked (week, month, region, ...)
  groups: { group: string; leads: number; steps: FunnelStep[] }[];
}

export interface Leak {
  stage: string;
  reason: string;
  count: number;
  share: number;
}
export interface LeakReport {
  exits: number;
  leaks: Leak[];
}

export interface SpeedGroup {
  group: string;
  assigned: number;
  responded: number;
  awaiting: number;
  sla_breached: number;
  sla_breached_share: number | null;
  response: { count: number; median_hours: number | null; p90_hours: number | null };
}
export interface SpeedReport {
  groups: SpeedGroup[];
}

export interface Goal {
  id: number;
  name: string;
  metric: string;
  target: number;
  unit: string;
  at_most: boolean;
  starts_at: string;
  ends_at: string;
  scope: { campaign: string | null; vendor: string | null; region: string | null; rep: string | null };
  active: boolean;
  progress: {
    actual: number;
    share_of_target: number;
    elapsed: number;
    expected: number;
    projected: number | null;
    status: string;
  };
}
export interface GoalList {
  as_of: string;
  goals: Goal[];
}

export interface Rep {
  key: string;
  name: string;
  team: string | null;
}

export interface Campaign {
  key: string;
  name: string;
  channel: string;
  vendor: string | null;
}
