// Live figures: the server's event stream (GET /api/v1/stream) says when the
// leads changed; the page then reads its reports again. Refreshes never
// overlap: changes during one make exactly one more.

export interface LiveHandle {
  close(): void;
}

export function followChanges(refresh: () => Promise<void>, onState: (live: boolean) => void): LiveHandle {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await refresh();
      } while (again);
    } finally {
      running = false;
    }
  };
  const source = new EventSource('/api/v1/stream');
  let opened = false;
  // After a reconnect the page may have missed changes: read again.
  source.addEventListener('ready', () => {
    onState(true);
    if (opened) void run();
    opened = true;
  });
  source.addEventListener('change', () => void run());
  source.addEventListener('error', () => onState(false));
  return { close: () => source.close() };
}
