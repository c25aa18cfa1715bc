// Campaign (issue 9; being built).
import { Session } from '../api';

export function CampaignPage({ session }: { session: Session; campaignKey: string }) {
  void session;
  return (
    <section>
      <h1>Campaign</h1>
    </section>
  );
}
