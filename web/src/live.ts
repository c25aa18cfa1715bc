// Live figures: the server's event stream (GET /api/v1/stream) says when the
// leads changed; the page then reads its reports again. Refreshes never
// overlap: changes during one make exactly one more. The browser reconnects
// a dropped stream by itself; one refused outright (429 when too many
// streams are open) is tried again here after a pause.

export interface LiveHandle {
  close(): void;
}

const kRetryMs = 3000;

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

  let source: EventSource | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let opened = false;
  let closed = false;
  const connect = () => {
    source = new EventSource('/api/v1/stream');
    // After a reconnect the page may have missed changes: read again.
    source.addEventListener('ready', () => {
      onState(true);
      if (opened) void run();
      opened = true;
    });
    source.addEventListener('change', () => void run());
    source.addEventListener('error', () => {
      onState(false);
      if (source?.readyState === EventSource.CLOSED && !closed) {
        source = null;
        retry = setTimeout(connect, kRetryMs);
      }
    });
  };
  connect();
  return {
    close: () => {
      closed = true;
      clearTimeout(retry);
      source?.close();
    },
  };
}
