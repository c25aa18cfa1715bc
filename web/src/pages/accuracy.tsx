// Definition accuracy (issue 9; being built).
import { Session } from '../api';

export function Accuracy({ session }: { session: Session }) {
  void session;
  return (
    <section>
      <h1>Definition accuracy</h1>
    </section>
  );
}
