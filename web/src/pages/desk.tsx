// Lead desk (issue 9; being built).
import { Session } from '../api';

export function Desk({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Lead desk</h1>
    </section>
  );
}
