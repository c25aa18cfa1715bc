// The leaks: exits from the funnel by the stage left and the reason, most
// frequent first.
import { useState } from 'preact/hooks';
import { count, label, share, title } from '../format';
import { LeakReport } from '../reports';
import { TableBox } from '../ui/table';

const kFirstRows = 12;

export function LeaksPanel({ leaks }: { leaks: LeakReport }) {
  const [all, setAll] = useState(false);
  const rows = all ? leaks.leaks : leaks.leaks.slice(0, kFirstRows);
  return (
    <section class="panel leaks" aria-labelledby="leaks-h">
      <h2 id="leaks-h">Leaks</h2>
      <p class="sub">{count(leaks.exits)} exits from the funnel</p>
      <TableBox label="Leaks table">
        <table>
          <thead>
            <tr>
              <th scope="col">Stage left</th>
              <th scope="col">Reason</th>
              <th scope="col" class="num">
                Exits
              </th>
              <th scope="col" class="num">
                Share
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.stage + '|' + l.reason}>
                <td>{title(l.stage)}</td>
                <td>{label(l.reason)}</td>
                <td class="num">{count(l.count)}</td>
                <td class="num">{share(l.share)}</td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={4}>No exits in this view.</td>
              </tr>
            )}
          </tbody>
        </table>
      </TableBox>
      {leaks.leaks.length > kFirstRows && (
        <button type="button" class="secondary" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show the first rows' : `Show all ${leaks.leaks.length} rows`}
        </button>
      )}
    </section>
  );
}
