// One campaign: its facts (GET /api/v1/campaigns/{key}), its figures (its row
// of the campaign report), its funnel per capture week as a chart with the
// same numbers in a table, and what sales made of its leads
// (GET /api/v1/campaigns/{key}/feedback). A campaign the caller may not see
// is "not found", as the API says.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get, Session } from '../api';
import { amount, count, date, label, person, share, utc } from '../format';
import { FunnelReport, Goal, GoalList } from '../reports';
import { pathOf } from '../routes';
import { Chart, ChartSeries } from '../chart';
import { CampaignFacts, CampaignReport, CampaignRow, Feedback, money, Problem, problemOf, TableBox } from '../campaign_shared';
import { Loading } from '../ui/states';

// The steps shown per week, in the chart and the table.
const kSteps: { stage: string; label: string }[] = [
  { stage: 'captured', label: 'Leads' },
  { stage: 'qualified', label: 'Qualified' },
  { stage: 'accepted', label: 'Accepted' },
  { stage: 'won', label: 'Won' },
];

interface Data {
  facts: CampaignFacts;
  row: CampaignRow | null;
  weeks: FunnelReport;
  goals: Goal[];
}

async function load(key: string): Promise<Data> {
  const k = encodeURIComponent(key);
  // The facts first: a campaign out of scope answers 404 here, and nothing else is asked.
  const facts = await get<CampaignFacts>(`/api/v1/campaigns/${k}`);
  const [report, weeks, goals] = await Promise.all([
    get<CampaignReport>(`/api/v1/reports/campaigns?campaign=${k}`),
    get<FunnelReport>(`/api/v1/reports/funnel?campaign=${k}&by=week`),
    get<GoalList>('/api/v1/goals'),
  ]);
  return {
    facts,
    row: report.campaigns.find((c) => c.campaign === key) ?? null,
    weeks,
    goals: goals.goals.filter((g) => g.scope.campaign === key),
  };
}

const reached = (g: FunnelReport['groups'][number], stage: string) => g.steps.find((s) => s.stage === stage)?.reached ?? 0;

export function CampaignPage({ session, campaignKey }: { session: Session; campaignKey: string }) {
  const [data, setData] = useState<Data | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [feedbackProblem, setFeedbackProblem] = useState<Problem | null>(null);
  const readsFeedback = !session.roles.every((r) => r === 'viewer');

  useEffect(() => {
    setData(null);
    setProblem(null);
    setFeedback(null);
    setFeedbackProblem(null);
    // Answers for a campaign left meanwhile are dropped.
    let current = true;
    load(campaignKey)
      .then((d) => {
        if (!current) return;
        setData(d);
        if (readsFeedback) {
          get<Feedback>(`/api/v1/campaigns/${encodeURIComponent(campaignKey)}/feedback`)
            .then((f) => current && setFeedback(f))
            .catch((e) => current && setFeedbackProblem(problemOf(e)));
        }
      })
      .catch((e) => current && setProblem(problemOf(e)));
    return () => {
      current = false;
    };
  }, [campaignKey]);

  if (problem) {
    return (
      <>
        <div class="page-head">
          <h1>{problem.status === 404 ? 'Campaign not found' : 'Campaign'}</h1>
        </div>
        <p role="alert" class="error">
          {problem.message}
        </p>
        <p>
          <a href={pathOf('campaigns')}>Back to the campaigns</a>
        </p>
      </>
    );
  }
  if (!data) {
    return (
      <>
        <div class="page-head">
          <h1>Campaign</h1>
        </div>
        <Loading>Loading the campaign…</Loading>
      </>
    );
  }
  const { facts, row } = data;
  return (
    <>
      <div class="page-head">
        <h1>{facts.name}</h1>
        <p class="sub">
          <a href={pathOf('campaigns')}>All campaigns</a>
        </p>
      </div>
      <div class="panels">
        <section class="panel" aria-labelledby="facts-h">
          <h2 id="facts-h">The campaign</h2>
          <dl class="figures small campaign-facts">
            <Fact name="Key" value={facts.key} />
            <Fact name="Channel" value={label(facts.channel)} />
            <Fact name="Vendor" value={facts.vendor ?? 'in-house'} />
            <Fact name="Owner" value={facts.owner ?? '–'} />
            <Fact name="Runs" value={`${facts.starts_on ?? '–'} to ${facts.ends_on ?? '–'}`} />
            <Fact name="Cost" value={money(facts.cost, facts.currency)} />
          </dl>
        </section>
        {row && <Figures row={row} />}
        <CampaignGoals goals={data.goals} currency={facts.currency} />
      </div>
      <WeeksPanel weeks={data.weeks} />
      {readsFeedback && <FeedbackPanel feedback={feedback} problem={feedbackProblem} />}
    </>
  );
}

function Fact({ name, value, id }: { name: string; value: string; id?: string }) {
  return (
    <div data-fact={id}>
      <dt>{name}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Figures({ row }: { row: CampaignRow }) {
  return (
    <section class="panel" aria-labelledby="figures-h">
      <h2 id="figures-h">Its figures</h2>
      <dl class="figures campaign-figures">
        <Fact id="leads" name="Leads" value={count(row.leads)} />
        <Fact id="qualified" name="Qualified" value={count(row.qualified)} />
        <Fact id="accepted" name="Accepted" value={count(row.accepted)} />
        <Fact id="opportunities" name="Opportunities" value={count(row.opportunities)} />
        <Fact id="won" name="Won" value={count(row.won)} />
        <Fact id="revenue" name="Revenue" value={money(row.revenue, row.currency)} />
        <Fact id="cpl" name="Cost per lead" value={money(row.cost_per_lead, row.currency)} />
        <Fact id="cpql" name="Cost per qualified lead" value={money(row.cost_per_qualified_lead, row.currency)} />
        <Fact id="cpwd" name="Cost per won deal" value={money(row.cost_per_won_deal, row.currency)} />
        <Fact id="roi" name="ROI" value={share(row.roi)} />
        <Fact id="touches" name="Touches" value={count(row.touches)} />
        <Fact id="attended" name="Attended" value={count(row.attended)} />
      </dl>
    </section>
  );
}

function WeeksPanel({ weeks }: { weeks: FunnelReport }) {
  const groups = weeks.groups;
  // The chart has every week from the first to the last, a week without a
  // capture at 0 (the report lists only weeks with leads, as does the table).
  const { x, series } = useMemo(() => {
    const at = new Map(groups.map((g) => [Date.parse(g.group + 'T00:00:00Z') / 1000, g]));
    const times = [...at.keys()].sort((a, b) => a - b);
    const x: number[] = [];
    for (let t = times[0]; times.length && t <= times[times.length - 1]; t += 7 * 86400) x.push(t);
    const series: ChartSeries[] = kSteps.map((s) => ({
      label: s.label,
      values: x.map((t) => {
        const g = at.get(t);
        return g ? reached(g, s.stage) : 0;
      }),
    }));
    return { x, series };
  }, [weeks]);
  return (
    <section class="panel weeks" aria-labelledby="weeks-h">
      <h2 id="weeks-h">Funnel by capture week</h2>
      <p class="sub">
        Leads captured each week (from its Monday) and how many of them went on to each step; the table lists the
        weeks with leads.
      </p>
      {groups.length === 0 ? (
        <p>No lead captured yet.</p>
      ) : (
        <div class="weeks-body">
          <Chart
            label={`Chart of leads, qualified, accepted and won per capture week over ${groups.length} weeks; the table has the numbers.`}
            x={x}
            series={series}
          />
          <div class="table-wrap weeks-scroll" tabIndex={0} role="region" aria-label="Funnel by capture week, table">
            <table class="weeks-table">
              <caption class="sr-only">Funnel by capture week</caption>
              <thead>
                <tr>
                  <th scope="col">Week of</th>
                  {kSteps.map((s) => (
                    <th scope="col" class="num" key={s.stage}>
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={g.group} data-week={g.group}>
                    <th scope="row">{date(g.group)}</th>
                    {kSteps.map((s) => (
                      <td class="num" key={s.stage} data-stage={s.stage}>
                        {count(reached(g, s.stage))}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function FeedbackPanel({ feedback, problem }: { feedback: Feedback | null; problem: Problem | null }) {
  return (
    <section class="panel feedback" aria-labelledby="feedback-h">
      <h2 id="feedback-h">What sales made of its leads</h2>
      {problem ? (
        <p role="alert" class="error">
          {problem.message}
        </p>
      ) : !feedback ? (
        <Loading>Loading the feedback…</Loading>
      ) : (
        <>
          <dl class="figures small feedback-figures">
            <Fact id="answered" name="Answered" value={count(feedback.answered)} />
            <Fact id="accepted" name="Accepted" value={count(feedback.accepted)} />
            <Fact id="rejected" name="Rejected" value={count(feedback.rejected)} />
            <Fact id="accepted_share" name="Accepted of answered" value={share(feedback.accepted_share)} />
            <Fact id="won" name="Won now" value={count(feedback.outcomes.won)} />
            <Fact id="lost" name="Lost now" value={count(feedback.outcomes.lost)} />
          </dl>
          <h3 class="sub-h">Reasons for rejection</h3>
          {feedback.reject_reasons.length === 0 ? (
            <p>No lead rejected.</p>
          ) : (
            <TableBox label="Reasons for rejection">
              <table class="reasons-table">
                <thead>
                  <tr>
                    <th scope="col">Reason</th>
                    <th scope="col" class="num">
                      Leads
                    </th>
                    <th scope="col" class="num">
                      Share of rejected
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {feedback.reject_reasons.map((r) => (
                    <tr key={r.code} data-reason={r.code}>
                      <th scope="row">{r.label}</th>
                      <td class="num">{count(r.count)}</td>
                      <td class="num">{share(r.share)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
          <h3 class="sub-h">Latest answers</h3>
          {feedback.recent.length === 0 ? (
            <p>No answer from sales yet.</p>
          ) : (
            <TableBox label="Latest answers">
              <table class="recent-table">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Lead</th>
                    <th scope="col">Answer</th>
                    <th scope="col">Reason</th>
                    <th scope="col">By</th>
                    <th scope="col">Note</th>
                  </tr>
                </thead>
                <tbody>
                  {feedback.recent.map((a, i) => (
                    <tr key={i} class="recent-answer">
                      <td>{utc(a.at)}</td>
                      <td class="ans-lead">
                        <a href={pathOf('lead', { id: a.lead })}>#{a.lead}</a>
                      </td>
                      <td class="ans-to">{label(a.to)}</td>
                      <td class="ans-reason">{a.reason ? label(a.reason) : '–'}</td>
                      <td class="ans-actor">
                        {person(a.actor)}
                        {a.on_behalf_of ? ` for ${person(a.on_behalf_of)}` : ''}
                      </td>
                      <td class="ans-note">{a.note ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableBox>
          )}
        </>
      )}
    </section>
  );
}

function CampaignGoals({ goals, currency }: { goals: Goal[]; currency: string }) {
  return (
    <section class="panel" aria-labelledby="cgoals-h">
      <h2 id="cgoals-h">Its goals</h2>
      {goals.length === 0 ? (
        <p>
          No goal names this campaign. <a href={pathOf('goals')}>Set one on the goals page</a>.
        </p>
      ) : (
        <ul class="campaign-goals">
          {goals.map((g) => (
            <li key={g.id} data-goal={g.id}>
              <span class="goal-name">{g.name}</span>{' '}
              <span class={'status ' + g.progress.status}>{label(g.progress.status)}</span>
              <span class="cell-sub">
                {amount(g.progress.actual, g.unit, currency)} of {amount(g.target, g.unit, currency)} · {date(g.starts_at)} to {date(g.ends_at)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p class="sub">
        <a href={pathOf('goals')}>All goals</a>
      </p>
    </section>
  );
}
