// Nurture programmes in the web app (docs/nurture.md): a lead's enrolments
// with their progress (on the lead page) and the API's shapes the
// programmes page reads.
import { get } from './api';
import { label, utc } from './format';
import { ProblemAlert, useLoad } from './ui/states';
import { TableBox } from './ui/table';

export interface Enrolment {
  id: number;
  lead: number;
  programme: string;
  programme_name?: string;
  version: number;
  state: 'active' | 'holdout' | 'exited';
  step: number;
  steps?: number;
  step_key?: string | null;
  next_at: string | null;
  enrolled_at: string;
  exited_at: string | null;
  exit_reason: string | null;
  sends: number;
  last_sent_at: string | null;
}

export interface ProgrammeSummary {
  key: string;
  name: string;
  latest_version: number;
  active_version: number | null;
  enrolled: number;
  active_enrolments: number;
}

export interface ProgrammeVersion {
  key: string;
  version: number;
  state: 'draft' | 'active' | 'retired';
  name: string;
  source: string;
  steps: { key: string; kind: string; template?: string }[];
  holdout?: number;
  created_at: string;
  created_by: string;
}

export interface ProgrammeReport {
  programme: string;
  enrolled: number;
  active: number;
  at_step: { step: number; key: string | null; enrolments: number }[];
  exited: Record<string, number>;
  turned_hot: number;
  opted_out: number;
  sends: number;
  holdout: { enrolments: number; turned_hot: number; warm_to_hot: number | null };
  treated: { enrolments: number; turned_hot: number; warm_to_hot: number | null };
}

// Where an enrolment stands, in words: "step 3 of 6 (check), next 2026-03-04 09:00".
export function progressText(e: Enrolment): string {
  if (e.state === 'exited') return `left: ${label(e.exit_reason ?? 'unknown')}${e.exited_at ? ` on ${utc(e.exited_at)}` : ''}`;
  if (e.state === 'holdout') return 'hold-out: counted, never mailed';
  const of = e.steps ? ` of ${e.steps}` : '';
  const key = e.step_key ? ` (${e.step_key})` : '';
  return `step ${e.step + 1}${of}${key}${e.next_at ? `, next ${utc(e.next_at)}` : ''}`;
}

// The lead page's section: every enrolment of the lead, newest first.
export function Enrolments({ leadId }: { leadId: number }) {
  const { data, problem } = useLoad(() => get<{ items: Enrolment[] }>(`/api/v1/leads/${leadId}/enrolments`), [leadId]);
  return (
    <section class="panel" aria-labelledby="nurture-h">
      <h2 id="nurture-h">Nurture programmes</h2>
      <ProblemAlert problem={problem} />
      {data && data.items.length === 0 && <p class="sub">Not enrolled in any programme.</p>}
      {data && data.items.length > 0 && (
        <TableBox label="Enrolments">
          <table class="enrolments">
            <thead>
              <tr>
                <th scope="col">Programme</th>
                <th scope="col">Progress</th>
                <th scope="col" class="num">
                  Mails
                </th>
                <th scope="col">Enrolled</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((e) => (
                <tr key={e.id} data-state={e.state}>
                  <td>
                    {e.programme_name ?? e.programme} <span class="sub">v{e.version}</span>
                  </td>
                  <td>{progressText(e)}</td>
                  <td class="num">{e.sends}</td>
                  <td>{utc(e.enrolled_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
    </section>
  );
}
