// Administration (issue 9; being built).
import { Session } from '../api';

export function Admin({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Administration</h1>
    </section>
  );
}
