// Definition version (issue 9; being built).
import { Session } from '../api';

export function DefinitionVersion({ session }: { session: Session; version: string }) {
  void session;
  return (
    <section>
      <h1>Definition version</h1>
    </section>
  );
}
