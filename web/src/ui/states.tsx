// The states every page shows around what it reads: loading, the server's
// error (its message and the field at fault), and the hook that loads an
// API answer on mount and whenever its inputs change, ignoring late answers.
import { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';

// An error as the page shows it: the server's message and the field at fault.
export interface Problem {
  status: number;
  message: string;
  field?: string;
}
export function problemOf(e: unknown): Problem {
  if (e instanceof ApiError) return { status: e.status, message: e.message, field: e.body.field ?? undefined };
  return { status: 0, message: String(e instanceof Error ? e.message : e) };
}

// The page's error, said once: "message (field)".
export function ProblemAlert({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <p role="alert" class="error">
      {problem.message}
      {problem.field ? ` (${problem.field})` : ''}
    </p>
  );
}

// The server's message alone, said once.
export function ErrorAlert({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return (
    <p role="alert" class="error">
      {error.message}
    </p>
  );
}

export function Loading({ children }: { children: ComponentChildren }) {
  return <p class="loading">{children}</p>;
}

// Runs `load` on mount and whenever `deps` change; an answer that comes after
// the inputs changed again is dropped. An error clears the data.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; problem: Problem | null } {
  const [data, setData] = useState<T | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    let current = true;
    load()
      .then((d) => {
        if (!current) return;
        setData(d);
        setProblem(null);
      })
      .catch((e) => {
        if (!current) return;
        setData(null);
        setProblem(problemOf(e));
      });
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, problem };
}
