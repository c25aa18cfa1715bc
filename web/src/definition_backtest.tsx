// A version's backtest (GET /api/v1/definition/versions/{v}/backtest): the
// leads of a period graded by the active version and by this one, what
// sales did with them per grade, and the leads whose grade would change.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api';
import { count, title } from './format';
import { pathOf } from './routes';
import { Backtest, versionPath } from './definition_types';
import { kOutcomeNote, OutcomesTable } from './definition_outcomes';
import { Period, periodFromUrl, PeriodPicker, periodQuery, periodWords, setPeriodInUrl } from './definition_period';
import { TableBox } from './ui/table';
import { Loading } from './ui/states';

const kPage = 100;

export function BacktestPanel({ version }: { version: number }) {
  const [period, setPeriod] = useState<Period>(() => periodFromUrl(location.search));
  const [result, setResult] = useState<Backtest | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [shown, setShown] = useState(kPage);

  useEffect(() => {
    let live = true;
    setResult(null);
    setError(null);
    setShown(kPage);
    get<Backtest>(versionPath(version) + '/backtest' + periodQuery(period))
      .then((r) => live && setResult(r))
      .catch((e) => live && setError(e instanceof ApiError ? { message: e.message, field: e.body.field } : { message: String(e) }));
    return () => {
      live = false;
    };
  }, [version, period]);

  const change = (p: Period) => {
    setPeriodInUrl(p);
    setPeriod(p);
  };

  const activeLabel = result
    ? typeof result.compared_with === 'number'
      ? `Active (version ${result.compared_with})`
      : `On record (${result.compared_with})`
    : '';

  return (
    <section class="panel backtest" aria-labelledby="backtest-h">
      <h2 id="backtest-h">Backtest</h2>
      <p class="sub">
        What if this version had graded the leads of the period? Each lead is graded twice, with its facts as stored now,
        and counted by what sales did with it.
      </p>
      <PeriodPicker id="bt" period={period} onChange={change} />
      {error && (
        <p role="alert" class="error">
          {error.field ? `${error.field}: ` : ''}
          {error.message}
        </p>
      )}
      {!result && !error && <Loading>Running the backtest…</Loading>}
      {result && (
        <>
          <p class="sub backtest-period">
            {periodWords(result.from, result.to)}: <strong class="backtest-leads">{count(result.leads)}</strong> leads.
          </p>
          {result.leads === 0 ? (
            <p class="empty">No lead was captured in this period. Choose a longer one.</p>
          ) : (
            <>
              <OutcomesTable
                name="Backtest by grade"
                sides={[
                  { key: 'active', label: activeLabel, byGrade: result.active },
                  { key: 'draft', label: `This version (${result.version})`, byGrade: result.draft },
                ]}
              />
              <p class="sub">{kOutcomeNote}</p>
              <h3>
                Leads whose grade would change: <span class="backtest-changed">{count(result.changed)}</span>
              </h3>
              {result.changed === 0 ? (
                <p>No lead of the period would change grade.</p>
              ) : (
                <>
                  {result.changes_truncated && (
                    <p class="sub">The server lists the first {count(result.changes.length)} of them, in lead order.</p>
                  )}
                  <TableBox label="Changed leads">
                    <table class="changes">
                      <thead>
                        <tr>
                          <th scope="col">Lead</th>
                          <th scope="col">Grade now</th>
                          <th scope="col">With this version</th>
                        </tr>
                      </thead>
                      <tbody>
                        {result.changes.slice(0, shown).map((c) => (
                          <tr key={c.lead} data-lead={c.lead}>
                            <th scope="row">
                              <a href={pathOf('lead', { id: c.lead })}>Lead {c.lead}</a>
                            </th>
                            <td class="from">{c.from ? title(c.from) : 'Ungraded'}</td>
                            <td class="to">{c.to ? title(c.to) : 'Ungraded'}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableBox>
                  {result.changes.length > shown && (
                    <button type="button" class="secondary" onClick={() => setShown(shown + kPage)}>
                      Show {Math.min(kPage, result.changes.length - shown)} more
                    </button>
                  )}
                </>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
