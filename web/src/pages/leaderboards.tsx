// Leaderboards (issue 9; being built).
import { Session } from '../api';

export function Leaderboards({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Leaderboards</h1>
    </section>
  );
}
