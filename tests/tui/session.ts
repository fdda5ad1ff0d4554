/** Shared setup for the terminal-UI tests: the reverse fixtures, a small probe set, an engine. */
import { fileURLToPath } from 'node:url';
import { createEngine, type Engine } from '../../cli/tui/engine.ts';
import { prepareSession, type Session } from '../../cli/tui/session.ts';
import { LoadedModel } from '../../src/model/loadedModel.ts';

export const COMPILED = fileURLToPath(new URL('../../fixtures/models/reverse.compiled.safetensors', import.meta.url));
export const LEARNED = fileURLToPath(new URL('../../fixtures/models/reverse.learned.safetensors', import.meta.url));

export const SEED = 3;

export async function session(opts: { vs?: string; samples?: number } = {}): Promise<Session & { engine: Engine }> {
  const s = await prepareSession(COMPILED, { vs: opts.vs, samples: opts.samples ?? 60, seed: SEED });
  return {
    ...s,
    engine: createEngine(
      s.models.map((m) => LoadedModel.from(m.data)),
      s.set,
      { seed: SEED },
    ),
  };
}

/** Polls `read` until `ok` holds (Ink settles asynchronously); fails with the last value seen. */
export async function waitFor<T>(read: () => T, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = read();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last seen:\n${String(v)}`);
    await new Promise((r) => setTimeout(r, 20));
    v = read();
  }
  return v;
}
