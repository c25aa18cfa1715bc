// The funnel: leads reaching each step, the conversion from the step before
// and the share of all leads, with a bar per step.
import { count, share, title } from '../format';
import { FunnelReport } from '../reports';
import { TableBox } from '../ui/table';

export function FunnelPanel({ funnel }: { funnel: FunnelReport }) {
  const steps = funnel.groups[0]?.steps ?? [];
  const top = steps[0]?.reached ?? 0;
  return (
    <section class="panel funnel" aria-labelledby="funnel-h">
      <h2 id="funnel-h">Funnel</h2>
      <TableBox label="Funnel table">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col" class="num">
                Leads
              </th>
              <th scope="col" class="num">
                Conversion
              </th>
              <th scope="col" class="num">
                Of all
              </th>
              <th scope="col" class="bar-col">
                <span class="sr-only">Share as a bar</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <tr key={s.stage} data-stage={s.stage}>
                <th scope="row">{title(s.stage)}</th>
                <td class="num reached">{count(s.reached)}</td>
                <td class="num conversion">{share(s.conversion)}</td>
                <td class="num">{share(s.of_leads)}</td>
                <td class="bar-col" aria-hidden="true">
                  <span class="bar" style={{ width: `${top ? (100 * s.reached) / top : 0}%` }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
    </section>
  );
}
