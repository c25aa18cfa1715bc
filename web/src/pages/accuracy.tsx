// How the grades on record held up (GET /api/v1/definition/accuracy): per
// grade outcomes, the precision, recall and lift of hot and warm, the
// misses, and the "was this a lead?" review of each disagreement (POST
// /api/v1/definition/reviews), paged. The period lives in the URL; without
// one the API picks the latest with outcomes and the fields show it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, query, Session } from '../api';
import { count, label, person, share, times, title } from '../format';
import { pathOf } from '../routes';
import { Accuracy as Report, Disagreement, mayReview, when } from '../definition_types';
import { kOutcomeNote, OutcomesTable } from '../definition_outcomes';
import { Period, periodFromUrl, periodOfReport, PeriodPicker, periodWords, setPeriodInUrl } from '../definition_period';
import { kFirstPage, Pager, Paging, usePaging } from '../ui/pager';
import { TableBox } from '../ui/table';
import { Loading } from '../ui/states';

// Rows a page; ?limit= in the page's URL changes it.
function pageSize(search: string): number {
  const n = Number(new URLSearchParams(search).get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 25;
}

const kDefaultWords: Record<string, string> = {
  last_90_days: 'No lead of the last 14 days has an outcome yet, so this shows the last 90 days.',
  last_365_days: 'No lead of the last 90 days has an outcome yet, so this shows the last 365 days.',
  everything: 'No lead of the last year has an outcome yet, so this shows every lead.',
};


const kKindWords: Record<string, string> = {
  hot_rejected: 'Hot, but rejected',
  cold_converted: 'Cold, but converted',
};

// The lead, its grade on record, the kind of disagreement and the outcome:
// the first cells of both the queue and the reviewed list.
function DisagreementCells({ d }: { d: Disagreement }) {
  return (
    <>
      <th scope="row">
        <a href={pathOf('lead', { id: d.lead })}>Lead {d.lead}</a>
      </th>
      <td class="grade">
        <span class={`grade-tag ${d.grade}`}>{title(d.grade)}</span>
      </td>
      <td class="kind">{kKindWords[d.kind] ?? label(d.kind)}</td>
      <td class="outcome">{label(d.outcome)}</td>
    </>
  );
}

function DisagreementHeads() {
  return (
    <>
      <th scope="col">Lead</th>
      <th scope="col">Grade</th>
      <th scope="col">Disagreement</th>
      <th scope="col">Outcome</th>
    </>
  );
}

function QueueRow({ d, canAnswer, onAnswered }: { d: Disagreement; canAnswer: boolean; onAnswered: () => Promise<void> }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const answer = async (wasLead: boolean) => {
    setBusy(true);
    setError('');
    try {
      await post('/api/v1/definition/reviews', note.trim() ? { lead: d.lead, was_lead: wasLead, note: note.trim() } : { lead: d.lead, was_lead: wasLead });
      await onAnswered();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  };
  const noteId = `note-${d.lead}`;
  return (
    <tr data-lead={d.lead} data-kind={d.kind}>
      <DisagreementCells d={d} />
      <td class="grading">{d.grading}</td>
      {canAnswer && (
        <td class="answer-cell">
          <div class="review-form">
            <label for={noteId}>Note on lead {d.lead} (optional)</label>
            <input id={noteId} type="text" value={note} maxLength={500} onInput={(e) => setNote(e.currentTarget.value)} />
            <div class="actions">
              <button type="button" onClick={() => answer(true)} disabled={busy} aria-describedby={noteId}>
                Was a lead
              </button>
              <button type="button" class="secondary" onClick={() => answer(false)} disabled={busy}>
                Not a lead
              </button>
            </div>
            {error && (
              <p role="alert" class="error">
                {error}
              </p>
            )}
          </div>
        </td>
      )}
    </tr>
  );
}

function Queue({ items, canAnswer, onAnswered }: { items: Disagreement[]; canAnswer: boolean; onAnswered: () => Promise<void> }) {
  if (items.length === 0) return <p class="empty">Nothing to review: every disagreement of the period has an answer.</p>;
  return (
    <TableBox label="Review queue">
      <table class="review-queue">
        <thead>
          <tr>
            <DisagreementHeads />
            <th scope="col">Why the definition said so</th>
            {canAnswer && <th scope="col">Was this a lead?</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <QueueRow key={d.lead} d={d} canAnswer={canAnswer} onAnswered={onAnswered} />
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

function Reviewed({ items }: { items: Disagreement[] }) {
  if (items.length === 0) return <p class="empty">No disagreement of the period has been answered yet.</p>;
  return (
    <TableBox label="Reviewed disagreements">
      <table class="reviewed">
        <thead>
          <tr>
            <DisagreementHeads />
            <th scope="col">Answer</th>
            <th scope="col">Note</th>
            <th scope="col">Reviewer</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {items.map((d) => (
            <tr key={d.lead} data-lead={d.lead}>
              <DisagreementCells d={d} />
              <td class="answer">{d.answer ? (d.answer.was_lead ? 'Was a lead' : 'Not a lead') : '–'}</td>
              <td class="note">{d.answer?.note || '–'}</td>
              <td class="reviewer">{d.answer?.reviewer ? person(d.answer.reviewer) : '–'}</td>
              <td class="at">{when(d.answer?.at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableBox>
  );
}

export function Accuracy({ session }: { session: Session }) {
  const [period, setPeriod] = useState<Period>(() => periodFromUrl(location.search));
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [queuePage, setQueuePage] = usePaging();
  const [reviewedPage, setReviewedPage] = usePaging();
  const canAnswer = mayReview(session);

  const read = useCallback(async (p: Period, q: Paging, rv: Paging) => {
    try {
      const params = { from: p.from, to: p.to, limit: pageSize(location.search), cursor: q.cursor, reviewed_cursor: rv.cursor };
      const r = await get<Report>('/api/v1/definition/accuracy' + query(params));
      setReport(r);
      setError(null);
    } catch (e) {
      setReport(null);
      setError(e instanceof ApiError ? { message: e.message, field: e.body.field } : { message: String(e) });
    }
  }, []);

  useEffect(() => {
    void read(period, queuePage, reviewedPage);
  }, [period, queuePage, reviewedPage, read]);

  const change = (p: Period) => {
    setPeriodInUrl(p);
    setReport(null);
    setQueuePage(kFirstPage);
    setReviewedPage(kFirstPage);
    setPeriod(p);
  };

  return (
    <div class="accuracy-page">
      <div class="page-head">
        <h1>Definition accuracy</h1>
        <p class="sub">How the grades on record held up against what sales did with the leads.</p>
      </div>
      <PeriodPicker id="acc" period={period} shown={report ? periodOfReport(report.from, report.to) : undefined} onChange={change} />
      {error && (
        <p role="alert" class="error">
          {error.field ? `${error.field}: ` : ''}
          {error.message}
        </p>
      )}
      {!report && !error && <Loading>Reading the report…</Loading>}
      {report && (
        <>
          <p class="sub accuracy-period">
            {report.default_period === 'everything' ? `Every lead captured up to ${report.to.slice(0, 10)}` : periodWords(report.from, report.to)}.
            {report.default_period && kDefaultWords[report.default_period] ? ' ' + kDefaultWords[report.default_period] : ''}
          </p>
          <div class="accuracy-panels">
            <section class="panel precision" aria-labelledby="precision-h">
              <h2 id="precision-h">Precision</h2>
              <dl class="figures">
                {(['hot', 'warm'] as const).map((g) => (
                  <div key={g} data-grade={g}>
                    <dt>{title(g)} accepted</dt>
                    <dd class="big precision-accepted">{share(report.precision[g]?.accepted)}</dd>
                    <dt>{title(g)} to opportunity</dt>
                    <dd class="precision-opportunity">{share(report.precision[g]?.opportunity)}</dd>
                  </div>
                ))}
                <div>
                  <dt>Misses: cold or unqualified that converted</dt>
                  <dd class="big misses">{count(report.misses)}</dd>
                </div>
                <div>
                  <dt>Answers: was a lead</dt>
                  <dd class="answers-was">{count(report.answers.was_lead)}</dd>
                  <dt>Answers: not a lead</dt>
                  <dd class="answers-not">{count(report.answers.not_a_lead)}</dd>
                </div>
              </dl>
              <p class="sub">Precision: the share of the grade's leads that sales accepted, and that reached opportunity. “–” when the grade has no leads.</p>
            </section>
            <section class="panel recall-lift" aria-labelledby="recall-h">
              <h2 id="recall-h">Recall and lift</h2>
              <dl class="figures">
                <div>
                  <dt>Converted leads graded hot</dt>
                  <dd class="big recall-hot">{share(report.recall.hot)}</dd>
                  <dt>Converted leads graded hot or warm</dt>
                  <dd class="recall-hot-or-warm">{share(report.recall.hot_or_warm)}</dd>
                </div>
                {(['hot', 'warm'] as const).map((g) => (
                  <div key={g} data-grade={g}>
                    <dt>{title(g)}: likelier to convert than any lead</dt>
                    <dd class="big lift-converted">{times(report.lift[g]?.converted)}</dd>
                    <dt>{title(g)}: likelier to be accepted</dt>
                    <dd class="lift-accepted">{times(report.lift[g]?.accepted)}</dd>
                  </div>
                ))}
                <div>
                  <dt>Any lead: accepted</dt>
                  <dd class="base-accepted">{share(report.base_rate.accepted)}</dd>
                  <dt>Any lead: converted</dt>
                  <dd class="base-converted">{share(report.base_rate.converted)}</dd>
                </div>
              </dl>
              <p class="sub">
                Recall: of the leads that reached opportunity or won, the share the definition graded hot (or hot or warm); low recall
                means converting leads went out as cold. Lift: how much likelier a lead of the grade was to convert (or be accepted)
                than any lead of the period; 1.0× means the grade tells sales nothing.
              </p>
            </section>
            <section class="panel by-grade" aria-labelledby="by-grade-h">
              <h2 id="by-grade-h">Outcomes by grade</h2>
              <OutcomesTable name="Outcomes by grade" sides={[{ key: 'record', label: '', byGrade: report.by_grade }]} />
              <p class="sub">{kOutcomeNote}</p>
            </section>
          </div>
          <section class="panel queue" aria-labelledby="queue-h">
            <h2 id="queue-h">
              Was this a lead? <span class="queue-count">{count(report.review_queue_total)}</span> to review
            </h2>
            <p class="sub">
              Hot leads sales rejected without an opportunity, and cold or unqualified leads that converted.
              {canAnswer ? '' : ' Your role can read the queue; admin, marketing and sales managers answer it.'}
            </p>
            <Queue items={report.review_queue} canAnswer={canAnswer} onAnswered={() => read(period, queuePage, reviewedPage)} />
            <Pager label="Review queue pages" paging={queuePage} next={report.next_cursor} total={report.review_queue_total} onChange={setQueuePage} />
          </section>
          <section class="panel reviewed-panel" aria-labelledby="reviewed-h">
            <h2 id="reviewed-h">
              Reviewed <span class="reviewed-count">{count(report.reviewed_total)}</span>
            </h2>
            <Reviewed items={report.reviewed} />
            <Pager label="Reviewed pages" paging={reviewedPage} next={report.reviewed_next_cursor} total={report.reviewed_total} onChange={setReviewedPage} />
          </section>
        </>
      )}
    </div>
  );
}
