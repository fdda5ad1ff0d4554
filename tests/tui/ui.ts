/** Driving the App with ink-testing-library: keys in, frames (without colours) out. */
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { stripVTControlCharacters } from 'node:util';
import { App } from '../../cli/tui/App.tsx';
import { SEED, session, waitFor } from './session.ts';

export const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  tab: '\t',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
} as const;

/** `ready`: when the first frame is complete (by default: every pane shows its accuracy and output). */
export async function mount(opts: { vs?: string; columns?: number; rows?: number; ready?: (f: string) => boolean } = {}) {
  const s = await session({ vs: opts.vs });
  const size = { columns: opts.columns ?? 80, rows: opts.rows ?? 24 };
  const r = render(createElement(App, { models: s.models, engine: s.engine, program: s.program, task: s.task, seed: SEED, note: s.note, size }));
  const frame = () => stripVTControlCharacters(r.lastFrame() ?? '');
  const until = (ok: (f: string) => boolean, what: string) => waitFor(frame, ok, what);
  /** Writes keys, then waits for a frame that shows their effect. */
  const press = async (keys: string, ok: (f: string) => boolean, what: string) => {
    r.stdin.write(keys);
    return until(ok, what);
  };
  const panes = s.models.length;
  const shown = (f: string) => exactMatches(f).length === panes && (f.match(/model +[^✓✗\n]*[✓✗]/g) ?? []).length === panes;
  await until(opts.ready ?? shown, 'the first results');
  return {
    ...s,
    r,
    frame,
    until,
    press,
    close() {
      r.unmount();
      s.engine.dispose();
    },
  };
}

/** The line the cursor (›) is on. */
export const cursorLine = (f: string, pane = 0): string => {
  const lines = f.split('\n').filter((l) => l.includes('›'));
  if (pane === 0) return lines.find((l) => l.indexOf('›') < 40) ?? '';
  return lines.find((l) => l.lastIndexOf('›') >= 40)?.slice(40) ?? '';
};

/** Exact-match percentages in the order they appear (one per pane). */
export const exactMatches = (f: string): number[] => [...f.matchAll(/exact (\d+\.\d)%/g)].map((m) => Number(m[1]));
