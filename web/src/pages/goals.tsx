// Goals (issue 9; being built).
import { Session } from '../api';

export function Goals({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Goals</h1>
    </section>
  );
}
