// Per-grade outcome counts (the backtest's and the accuracy report's): leads,
// accepted, rejected (with the reasons), opportunities, wins, and the
// acceptance and conversion rates they give.
import { count, label, share, title } from './format';
import { gradeOrder, Outcomes } from './definition_types';
import { TableBox } from './ui/table';

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function reasons(o: Outcomes): string {
  const e = Object.entries(o.rejected_by_reason ?? {});
  return e.length ? e.map(([r, n]) => `${label(r)} ${count(n)}`).join(', ') : '–';
}

function Row({ grade, side, sideLabel, o, first, span }: { grade: string; side: string; sideLabel?: string; o: Outcomes; first: boolean; span: number }) {
  return (
    <tr data-grade={grade} data-side={side} class={first ? 'grade-first' : undefined}>
      {first && (
        <th scope={span > 1 ? 'rowgroup' : 'row'} rowSpan={span}>
          <span class={`grade-tag ${grade}`}>{title(grade)}</span>
        </th>
      )}
      {sideLabel !== undefined && <th scope="row" class="side">{sideLabel}</th>}
      <td class="num leads">{count(o.leads)}</td>
      <td class="num accepted">{count(o.accepted)}</td>
      <td class="num rejected">{count(o.rejected)}</td>
      <td class="num opportunities">{count(o.opportunities)}</td>
      <td class="num wins">{count(o.wins)}</td>
      <td class="num acceptance">{share(rate(o.accepted, o.leads))}</td>
      <td class="num conversion">{share(rate(o.opportunities, o.leads))}</td>
      <td class="reasons">{reasons(o)}</td>
    </tr>
  );
}

const kEmpty: Outcomes = { leads: 0, accepted: 0, rejected: 0, rejected_by_reason: {}, opportunities: 0, wins: 0 };

// sides: one ({label: ''}) for a report, two (active, draft) for a backtest.
export function OutcomesTable({ name, sides }: { name: string; sides: { key: string; label: string; byGrade: Record<string, Outcomes> }[] }) {
  const grades = gradeOrder(Object.assign({}, ...sides.map((s) => s.byGrade)));
  const two = sides.length > 1;
  return (
    <TableBox label={name}>
      <table class="outcomes">
        <thead>
          <tr>
            <th scope="col">Grade</th>
            {two && <th scope="col">Graded by</th>}
            <th scope="col" class="num">
              Leads
            </th>
            <th scope="col" class="num">
              Accepted
            </th>
            <th scope="col" class="num">
              Rejected
            </th>
            <th scope="col" class="num">
              Opportunities
            </th>
            <th scope="col" class="num">
              Wins
            </th>
            <th scope="col" class="num">
              Acceptance
            </th>
            <th scope="col" class="num">
              Conversion
            </th>
            <th scope="col">Rejected for</th>
          </tr>
        </thead>
        {grades.map((g) => (
          <tbody key={g}>
            {sides.map((s, i) => (
              <Row
                key={s.key}
                grade={g}
                side={s.key}
                sideLabel={two ? s.label : undefined}
                o={s.byGrade[g] ?? kEmpty}
                first={i === 0}
                span={sides.length}
              />
            ))}
          </tbody>
        ))}
      </table>
    </TableBox>
  );
}

export const kOutcomeNote =
  'Acceptance: accepted (reached accepted, working, opportunity or won) out of the grade’s leads. ' +
  'Conversion: reached opportunity or won, out of the grade’s leads.';
