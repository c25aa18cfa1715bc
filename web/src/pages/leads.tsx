// Leads (issue 9; being built).
import { Session } from '../api';

export function Leads({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Leads</h1>
    </section>
  );
}
