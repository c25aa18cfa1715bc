// Speed to lead: how fast an owner answered the leads sent to a rep.
import { count, duration, scaleOf, share } from '../format';
import { SpeedReport } from '../reports';

export function SpeedPanel({ speed }: { speed: SpeedReport }) {
  const g = speed.groups[0];
  // The median and the 90th percentile in one scale.
  const scale = scaleOf([g?.response.median_hours, g?.response.p90_hours]);
  return (
    <section class="panel speed" aria-labelledby="speed-h">
      <h2 id="speed-h">Speed to lead</h2>
      {g ? (
        <dl class="figures">
          <div>
            <dt>Median first answer</dt>
            <dd class="big">{duration(g.response.median_hours, scale)}</dd>
          </div>
          <div>
            <dt>90th percentile</dt>
            <dd>{duration(g.response.p90_hours, scale)}</dd>
          </div>
          <div>
            <dt>Sent to a rep</dt>
            <dd>{count(g.assigned)}</dd>
          </div>
          <div>
            <dt>Answered</dt>
            <dd>{count(g.responded)}</dd>
          </div>
          <div>
            <dt>Still waiting</dt>
            <dd>{count(g.awaiting)}</dd>
          </div>
          <div>
            <dt>Follow-up SLA breached</dt>
            <dd>
              {count(g.sla_breached)} ({share(g.sla_breached_share)})
            </dd>
          </div>
        </dl>
      ) : (
        <p>No lead in this view went to a rep.</p>
      )}
    </section>
  );
}
