/**
 * The keys: one table that the help line, the help screen and the README share, and the mapping
 * from a key press (as Ink's useInput reports it) to a reducer action.
 */
import type { Key } from 'ink';
import { reduce, type Action, type TuiContext, type TuiState } from './state.ts';

export interface KeyHelp {
  /** The key as the help screen writes it. */
  readonly keys: string;
  /** The shortest form, for the one-line help. */
  readonly short: string;
  readonly does: string;
  /** Shown in the help line (the rest only on the help screen). */
  readonly inLine: boolean;
}

export const KEYS: readonly KeyHelp[] = [
  { keys: '↑ ↓  (k j)', short: '↑↓', does: 'move the selection in the model tree', inLine: true },
  { keys: 'PgUp PgDn Home End', short: 'PgUp', does: 'move by 10 rows; to the first / last row', inLine: false },
  { keys: '→ ←  (l h)', short: '→←', does: 'open / close a layer or an MLP (neurons); ← on a child: parent', inLine: true },
  { keys: 'space', short: 'space', does: 'ablate the selected component, or restore it', inLine: true },
  { keys: 'm', short: 'm', does: 'cycle the mode of every ablation: zero → mean → resample', inLine: true },
  { keys: 'c', short: 'c', does: 'clear every ablation (of both models)', inLine: true },
  { keys: 'o', short: 'o', does: 'ablate everything outside the discovered circuit (◆ in the tree), or restore it', inLine: false },
  { keys: 'e', short: 'e', does: 'edit the input: Enter accepts, Esc cancels, ctrl+U clears', inLine: true },
  { keys: 'r', short: 'r', does: 'draw a new random input', inLine: true },
  { keys: 'tab', short: 'tab', does: 'switch between the two models (with --vs)', inLine: true },
  { keys: '?', short: '?', does: 'show / hide this help', inLine: true },
  { keys: 'q', short: 'q', does: 'quit', inLine: true },
];

/** The help line's words: a long and a short one per key. */
const LINE_WORDS: Record<string, readonly [string, string]> = {
  '↑↓': ['move', 'move'],
  '→←': ['open', 'fold'],
  space: ['ablate', 'ablate'],
  m: ['mode', 'mode'],
  c: ['clear', 'clear'],
  e: ['edit', 'edit'],
  r: ['random', 'rand'],
  tab: ['model', 'model'],
  '?': ['help', 'help'],
  q: ['quit', 'quit'],
};

export interface HelpItem {
  readonly key: string;
  readonly word: string;
}

export interface FittedHelp {
  readonly items: readonly HelpItem[];
  /** Spaces between items. */
  readonly gap: number;
}

export const helpText = (h: FittedHelp): string => h.items.map((i) => `${i.key} ${i.word}`).join(' '.repeat(h.gap));

/** The one-line help, fitted into `width` columns: two spaces between items, else one, else short words. */
export function helpLine(width: number, opts: { vs: boolean; editing: boolean }): FittedHelp {
  const variants: HelpItem[][] = opts.editing
    ? [
        [
          { key: 'type', word: 'tokens' },
          { key: 'Enter', word: 'accept' },
          { key: 'Esc', word: 'cancel' },
          { key: 'Backspace', word: 'erase' },
          { key: '^U', word: 'clear' },
        ],
      ]
    : [0, 1].map((v) =>
        KEYS.filter((k) => k.inLine && (opts.vs || k.short !== 'tab')).map((k) => ({
          key: v && k.short === 'space' ? 'spc' : k.short,
          word: LINE_WORDS[k.short][v],
        })),
      );
  for (const items of variants)
    for (const gap of [2, 1]) {
      const h = { items, gap };
      if (helpText(h).length <= width) return h;
    }
  // Too narrow for every key: keep what fits, the help key last.
  const items = variants.at(-1)!;
  const help = items.at(-2) ?? items[0];
  const kept: HelpItem[] = [];
  for (const i of items) if (i !== help && helpText({ items: [...kept, i, help], gap: 1 }).length <= width) kept.push(i);
  return { items: [...kept, help], gap: 1 };
}

/** The action of one character of a chunk of keys (see `reduceKeys`). */
function charAction(c: string, editing: boolean): Action | null {
  if (c === '\t') return editing ? null : { type: 'focus' };
  if (c === '\r' || c === '\n') return editing ? { type: 'accept' } : null;
  if (c === '\x7f' || c === '\b') return editing ? { type: 'erase' } : null;
  if (c === '\x15') return editing ? { type: 'clearLine' } : null;
  if (c < ' ') return null;
  return keyAction(c, NO_KEY, editing);
}

/**
 * The state after one input event. Keys that arrive together (a fast typist, a script, a paste)
 * come as one string: each character then counts as its own key press, read against the state
 * the previous one left (so characters after an `e` go to the editor).
 */
export function reduceKeys(s: TuiState, input: string, key: Key, ctx: TuiContext): TuiState {
  const chars = [...input];
  if (chars.length <= 1) {
    const a = keyAction(input, key, s.editor !== null);
    return a ? reduce(s, a, ctx) : s;
  }
  return chars.reduce((st, c) => {
    const a = charAction(c, st.editor !== null);
    return a ? reduce(st, a, ctx) : st;
  }, s);
}

/** A key event with no key held: what a typed character comes with. */
export const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** The action a key press stands for (null: none). */
export function keyAction(input: string, key: Key, editing: boolean): Action | null {
  if (editing) {
    if (key.return) return { type: 'accept' };
    if (key.escape) return { type: 'cancel' };
    if (key.backspace || key.delete) return { type: 'erase' };
    if (key.ctrl && input === 'u') return { type: 'clearLine' };
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return null;
    return input ? { type: 'type', text: input } : null;
  }
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'move', by: -10 };
  if (key.pageDown) return { type: 'move', by: 10 };
  if (key.home) return { type: 'moveTo', to: 'first' };
  if (key.end) return { type: 'moveTo', to: 'last' };
  if (key.rightArrow || input === 'l') return { type: 'open' };
  if (key.leftArrow || input === 'h') return { type: 'close' };
  if (key.tab) return { type: 'focus' };
  if (key.escape) return null;
  switch (input) {
    case ' ':
      return { type: 'toggle' };
    case 'm':
      return { type: 'cycleMode' };
    case 'c':
      return { type: 'clear' };
    case 'o':
      return { type: 'outside' };
    case 'e':
      return { type: 'edit' };
    case 'r':
      return { type: 'random' };
    case '?':
      return { type: 'help' };
    case 'q':
      return { type: 'quit' };
    default:
      return null;
  }
}
