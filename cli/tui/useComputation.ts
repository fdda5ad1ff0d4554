/**
 * Runs an async computation whenever `key` changes and keeps its latest result. While it runs the
 * value last shown stays on screen with `pending` set; a result that arrives after the key changed
 * again is dropped (its signal is aborted, so a job still queued is not even started). `peek`
 * answers from a cache without a round trip, so known results show at once with no spinner.
 */
import { useEffect, useRef, useState } from 'react';
import { isUserError } from '../../src/rasp/errors.ts';
import { Superseded } from './engine.ts';

export interface Computed<T> {
  readonly value?: T;
  readonly pending: boolean;
  /** A user-facing message when the computation failed. */
  readonly error?: string;
}

interface Settled<T> {
  readonly key: string;
  readonly value?: T;
  readonly error?: string;
}

export function useComputation<T>(key: string, run: (signal: AbortSignal) => Promise<T>, peek?: () => T | undefined): Computed<T> {
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const shown = useRef<T | undefined>(undefined);
  const cached = peek?.();
  useEffect(() => {
    if (cached !== undefined) return;
    const ctl = new AbortController();
    run(ctl.signal).then(
      (value) => {
        if (!ctl.signal.aborted) setSettled({ key, value });
      },
      (e: unknown) => {
        if (ctl.signal.aborted || e instanceof Superseded) return;
        const error = isUserError(e) ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
        setSettled({ key, error });
      },
    );
    return () => ctl.abort();
    // `run` and `peek` are fresh closures each render; `key` says when their results would differ.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, cached === undefined]);
  if (cached !== undefined) {
    shown.current = cached;
    return { value: cached, pending: false };
  }
  if (settled?.key === key) {
    if (settled.value !== undefined) shown.current = settled.value;
    return { value: settled.value ?? shown.current, pending: false, error: settled.error };
  }
  return { value: shown.current, pending: true };
}
