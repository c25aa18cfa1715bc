// What a tab of the admin page shows when its data could not be read: the
// refusal of a caller without the admin role (403), or the server's error.
import { FormError, refusal } from './admin_types';

export function LoadFailure({ error, what }: { error: FormError; what: string }) {
  if (error.status === 403)
    return (
      <div role="alert" class="refusal">
        <h2>Needs the admin role</h2>
        <p>{refusal(error)}</p>
        <p>Ask an administrator if you need to manage users, tokens or the audit log.</p>
      </div>
    );
  return (
    <p role="alert" class="error">
      Could not read {what}: {error.message}
    </p>
  );
}
