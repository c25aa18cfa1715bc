// Campaigns (issue 9; being built).
import { Session } from '../api';

export function Campaigns({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Campaigns</h1>
    </section>
  );
}
