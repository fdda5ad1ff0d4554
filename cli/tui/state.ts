/**
 * The terminal UI's state and its pure reducer: per model the selected node, open nodes, the
 * ablated components and the head whose attention is shown; the ablation mode (shared, so two
 * models are broken the same way); the current input; the input editor; focus; help. Everything
 * the reducer needs from outside (tree rows, parsing, random inputs) comes in through `TuiContext`.
 */
import { formatComponent, sameComponent, type ComponentRef, type HeadComponent } from '../../src/model/components.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { formatValue, type Value } from '../../src/rasp/values.ts';
import { ABLATION_MODES, type AblationMode } from '../../probes/ablation.ts';
import type { TreeRow } from './tree.ts';
import { plural } from '../../src/rasp/plural.ts';
import type { CircuitMarks } from './circuit.ts';

export interface SideState {
  /** The selected tree node. */
  readonly selected: ComponentRef;
  /** Ids of the open tree nodes. */
  readonly open: readonly string[];
  /** Ablated components, in the order they were ablated. */
  readonly ablated: readonly ComponentRef[];
  /** The head whose attention pattern is shown: the last head selected. */
  readonly head: HeadComponent | null;
}

export interface Editor {
  readonly text: string;
  /** Why the last Enter was refused. */
  readonly error?: string;
}

export interface TuiState {
  readonly sides: readonly SideState[];
  /** Which model the keys act on (with --vs). */
  readonly focus: number;
  readonly mode: AblationMode;
  readonly input: readonly Value[];
  /** How many random inputs have been drawn: the next one is a pure function of it. */
  readonly draws: number;
  readonly editor: Editor | null;
  readonly help: boolean;
  readonly quit: boolean;
  /** A one-line note about the last action. */
  readonly note: string;
}

export type Action =
  | { readonly type: 'move'; readonly by: number }
  | { readonly type: 'moveTo'; readonly to: 'first' | 'last' }
  | { readonly type: 'open' }
  | { readonly type: 'close' }
  | { readonly type: 'toggle' }
  | { readonly type: 'cycleMode' }
  | { readonly type: 'clear' }
  | { readonly type: 'outside' }
  | { readonly type: 'random' }
  | { readonly type: 'focus' }
  | { readonly type: 'help' }
  | { readonly type: 'quit' }
  | { readonly type: 'edit' }
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'erase' }
  | { readonly type: 'clearLine' }
  | { readonly type: 'accept' }
  | { readonly type: 'cancel' };

export interface TuiContext {
  /** The visible rows of model `side`'s tree with `open` nodes open. */
  rows(side: number, open: ReadonlySet<string>): TreeRow[];
  /** Initially open nodes of model `side`. */
  initiallyOpen(side: number): string[];
  readonly models: number;
  /** Reads typed tokens; throws a UserError naming a bad token or length. */
  parseInput(text: string): Value[];
  /** The `draw`-th random input of the task. */
  randomInput(draw: number): Value[];
  /** Model `side`'s discovered circuit (null or absent: none was found). */
  circuit?(side: number): CircuitMarks | null;
}

export function initialState(ctx: TuiContext): TuiState {
  const sides = Array.from({ length: ctx.models }, (_, i): SideState => {
    const open = ctx.initiallyOpen(i);
    const rows = ctx.rows(i, new Set(open));
    const firstHead = rows.map((r) => r.component).find((c): c is HeadComponent => c.kind === 'head');
    return { selected: firstHead ?? rows[0].component, open, ablated: [], head: firstHead ?? null };
  });
  return { sides, focus: 0, mode: 'zero', input: ctx.randomInput(0), draws: 0, editor: null, help: false, quit: false, note: '' };
}

export const inputText = (input: readonly Value[]): string => input.map(formatValue).join(' ');

function withSide(s: TuiState, f: (side: SideState, rows: TreeRow[]) => Partial<SideState>, ctx: TuiContext, note = s.note): TuiState {
  const side = s.sides[s.focus];
  const rows = ctx.rows(s.focus, new Set(side.open));
  const next = { ...side, ...f(side, rows) };
  // The heatmap follows the selection onto heads and stays put elsewhere.
  if (next.selected.kind === 'head') next.head = next.selected;
  return { ...s, sides: s.sides.map((x, i) => (i === s.focus ? next : x)), note };
}

function selectAt(rows: TreeRow[], index: number): Partial<SideState> {
  const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
  return row ? { selected: row.component } : {};
}

function editorReduce(s: TuiState, a: Action, ctx: TuiContext): TuiState {
  const ed = s.editor!;
  switch (a.type) {
    case 'type':
      return { ...s, editor: { text: ed.text + a.text } };
    case 'erase':
      return { ...s, editor: { text: ed.text.slice(0, -1) } };
    case 'clearLine':
      return { ...s, editor: { text: '' } };
    case 'cancel':
      return { ...s, editor: null, note: 'edit cancelled' };
    case 'accept':
      try {
        const input = ctx.parseInput(ed.text);
        return { ...s, editor: null, input, note: `input: ${inputText(input)}` };
      } catch (e) {
        if (!isUserError(e)) throw e;
        return { ...s, editor: { ...ed, error: e.message } };
      }
    default:
      return s;
  }
}

export function reduce(s: TuiState, a: Action, ctx: TuiContext): TuiState {
  if (s.editor) return editorReduce(s, a, ctx);
  switch (a.type) {
    case 'move':
      return withSide(s, (side, rows) => selectAt(rows, rows.findIndex((r) => sameComponent(r.component, side.selected)) + a.by), ctx, '');
    case 'moveTo':
      return withSide(s, (_, rows) => selectAt(rows, a.to === 'first' ? 0 : rows.length - 1), ctx, '');
    case 'open':
      return withSide(
        s,
        (side, rows) => {
          const row = rows.find((r) => sameComponent(r.component, side.selected));
          if (!row?.foldable) return {};
          if (row.open) return selectAt(rows, rows.indexOf(row) + 1);
          return { open: [...side.open, row.id] };
        },
        ctx,
        '',
      );
    case 'close':
      return withSide(
        s,
        (side, rows) => {
          const row = rows.find((r) => sameComponent(r.component, side.selected));
          if (!row) return {};
          if (row.foldable && row.open) return { open: side.open.filter((id) => id !== row.id) };
          return row.parent ? { selected: row.parent } : {};
        },
        ctx,
        '',
      );
    case 'toggle': {
      const side = s.sides[s.focus];
      const c = side.selected;
      const on = !side.ablated.some((x) => sameComponent(x, c));
      const ablated = on ? [...side.ablated, c] : side.ablated.filter((x) => !sameComponent(x, c));
      return withSide(s, () => ({ ablated }), ctx, `${on ? 'ablated' : 'restored'} ${formatComponent(c)}`);
    }
    case 'outside': {
      // Everything outside the discovered circuit at once; pressed again, restored.
      const marks = ctx.circuit?.(s.focus) ?? null;
      if (!marks) return { ...s, note: 'no circuit was discovered for this model' };
      if (marks.outside.length === 0) return { ...s, note: `the circuit (${marks.method}) holds every head and MLP: nothing is outside it` };
      const side = s.sides[s.focus];
      const already = side.ablated.length === marks.outside.length && marks.outside.every((c) => side.ablated.some((x) => sameComponent(x, c)));
      if (already) return withSide(s, () => ({ ablated: [] }), ctx, 'restored what is outside the circuit');
      const kept = [...marks.inside].join(', ') || 'no head or MLP';
      return withSide(
        s,
        () => ({ ablated: [...marks.outside] }),
        ctx,
        `ablated the ${plural(marks.outside.length, 'component')} outside the circuit (${marks.method} keeps ${kept})`,
      );
    }
    case 'cycleMode': {
      const mode = ABLATION_MODES[(ABLATION_MODES.indexOf(s.mode) + 1) % ABLATION_MODES.length];
      return { ...s, mode, note: `ablation mode: ${mode}` };
    }
    case 'clear': {
      const n = s.sides.reduce((k, x) => k + x.ablated.length, 0);
      return { ...s, sides: s.sides.map((x) => ({ ...x, ablated: [] })), note: n ? `cleared ${plural(n, 'ablation')}` : 'nothing was ablated' };
    }
    case 'random': {
      const draws = s.draws + 1;
      const input = ctx.randomInput(draws);
      return { ...s, draws, input, note: `random input #${draws}: ${inputText(input)}` };
    }
    case 'focus':
      if (s.sides.length < 2) return { ...s, note: 'one model only: start with --vs OTHER to compare two' };
      return { ...s, focus: (s.focus + 1) % s.sides.length, note: '' };
    case 'help':
      return { ...s, help: !s.help };
    case 'quit':
      return { ...s, quit: true };
    case 'edit':
      // A space after the old input, so what is typed next is a token of its own.
      return { ...s, editor: { text: `${inputText(s.input)} ` }, note: '' };
    default:
      return s;
  }
}
