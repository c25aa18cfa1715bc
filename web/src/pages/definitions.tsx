// Lead definition (issue 9; being built).
import { Session } from '../api';

export function Definitions({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Lead definition</h1>
    </section>
  );
}
