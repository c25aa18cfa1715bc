// Lead (issue 9; being built).
import { Session } from '../api';

export function LeadPage({ session }: { session: Session; id: string }) {
  void session;
  return (
    <section>
      <h1>Lead</h1>
    </section>
  );
}
