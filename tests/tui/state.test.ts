import { beforeAll, describe, expect, it } from 'vitest';
import { formatComponent } from '../../src/model/components.ts';
import { makeContext } from '../../cli/tui/context.ts';
import { prepareSession, type Session } from '../../cli/tui/session.ts';
import { initialState, reduce, type Action, type TuiContext, type TuiState } from '../../cli/tui/state.ts';
import { COMPILED, LEARNED, SEED } from './session.ts';

let one: TuiContext;
let two: TuiContext;
let s1: Session;
beforeAll(async () => {
  s1 = await prepareSession(COMPILED, { samples: 20, seed: SEED });
  one = makeContext(
    s1.models.map((m) => m.data),
    s1.program,
    s1.task,
    SEED,
  );
  const s2 = await prepareSession(COMPILED, { vs: LEARNED, samples: 20, seed: SEED });
  two = makeContext(
    s2.models.map((m) => m.data),
    s2.program,
    s2.task,
    SEED,
  );
});

const run = (ctx: TuiContext, ...actions: Action[]): TuiState => actions.reduce((s, a) => reduce(s, a, ctx), initialState(ctx));
const down = (by = 1): Action => ({ type: 'move', by });
/** A side's state as the tests spell components: "0.0", "mlp0". */
const side = (s: TuiState, i = 0) => {
  const x = s.sides[i];
  return { selected: formatComponent(x.selected), open: x.open, ablated: x.ablated.map(formatComponent), head: x.head && formatComponent(x.head) };
};

describe('the TUI state', () => {
  it('starts on the first head, layers open, nothing ablated, zero mode', () => {
    const s = initialState(one);
    expect(side(s)).toEqual({ selected: '0.0', open: ['L0', 'L1'], ablated: [], head: '0.0' });
    expect(s.mode).toBe('zero');
    expect(s.input.length).toBeGreaterThan(0);
  });

  it('moves through the rows and stops at the ends; the heatmap follows onto heads only', () => {
    // Rows: L0, 0.0, mlp0, L1, 1.0
    expect(side(run(one, down())).selected).toBe('mlp0');
    expect(side(run(one, down())).head).toBe('0.0');
    expect(side(run(one, down(), down(), down())).selected).toBe('1.0');
    expect(side(run(one, down(), down(), down())).head).toBe('1.0');
    expect(side(run(one, down(99))).selected).toBe('1.0');
    expect(side(run(one, down(-99))).selected).toBe('L0');
    expect(side(run(one, { type: 'moveTo', to: 'last' })).selected).toBe('1.0');
    expect(side(run(one, { type: 'moveTo', to: 'first' })).selected).toBe('L0');
  });

  it('opens an MLP to its neurons, and closes it again from a neuron', () => {
    const opened = run(one, down(), { type: 'open' });
    expect(side(opened).open).toContain('mlp0');
    const onNeuron = reduce(reduce(opened, down(), one), down(), one);
    expect(side(onNeuron).selected).toBe('mlp0.n1');
    const up = reduce(onNeuron, { type: 'close' }, one);
    expect(side(up).selected).toBe('mlp0');
    expect(side(reduce(up, { type: 'close' }, one)).open).not.toContain('mlp0');
    // Closing a layer hides its rows: moving down from L0 goes straight to L1.
    const closed = run(one, down(-1), { type: 'close' }, down());
    expect(side(closed).selected).toBe('L1');
  });

  it('toggles ablations, cycles the mode, clears everything', () => {
    const s = run(one, down(3), { type: 'toggle' });
    expect(side(s).ablated).toEqual(['1.0']);
    expect(s.note).toBe('ablated 1.0');
    expect(side(reduce(s, { type: 'toggle' }, one)).ablated).toEqual([]);
    const modes = [1, 2, 3].map((n) => run(one, ...Array.from({ length: n }, (): Action => ({ type: 'cycleMode' }))).mode);
    expect(modes).toEqual(['mean', 'resample', 'zero']);
    const cleared = reduce(reduce(s, down(-4), one), { type: 'toggle' }, one);
    expect(side(cleared).ablated).toEqual(['1.0', 'L0']);
    expect(side(reduce(cleared, { type: 'clear' }, one)).ablated).toEqual([]);
  });

  it('draws random inputs from the seed: the same draws every time, different from each other', () => {
    const a = run(one, { type: 'random' }, { type: 'random' });
    const b = run(one, { type: 'random' }, { type: 'random' });
    expect(a.input).toEqual(b.input);
    expect(a.draws).toBe(2);
    const inputs = new Set(Array.from({ length: 6 }, (_, i) => JSON.stringify(one.randomInput(i))));
    expect(inputs.size).toBeGreaterThan(3);
    for (const x of inputs) expect(JSON.parse(x).length).toBeLessThanOrEqual(s1.task.maxLen);
  });

  it('edits the input: typing, erasing, accepting; a bad token leaves an error and the old input', () => {
    const start = run(one, { type: 'edit' });
    // The old input and a space: what is typed next is a token of its own.
    expect(start.editor?.text).toBe(`${start.input.join(' ')} `);
    const typed = run(
      one,
      { type: 'edit' },
      ...Array.from(start.editor!.text, (): Action => ({ type: 'erase' })),
      { type: 'type', text: 'a b' },
      { type: 'erase' },
      { type: 'type', text: 'c' },
    );
    expect(typed.editor?.text).toBe('a c');
    const done = reduce(typed, { type: 'accept' }, one);
    expect(done.editor).toBeNull();
    expect(done.input).toEqual(['a', 'c']);
    const bad = reduce(reduce(done, { type: 'edit' }, one), { type: 'type', text: ' z' }, one);
    const refused = reduce(bad, { type: 'accept' }, one);
    expect(refused.editor?.error).toMatch(/'z' is not in the vocabulary/);
    expect(refused.input).toEqual(['a', 'c']);
    const long = reduce(reduce(reduce(done, { type: 'edit' }, one), { type: 'type', text: ' a'.repeat(20) }, one), { type: 'accept' }, one);
    expect(long.editor?.error).toMatch(/this task takes 1–10/);
    const cancelled = reduce(refused, { type: 'cancel' }, one);
    expect(cancelled.editor).toBeNull();
    expect(cancelled.input).toEqual(['a', 'c']);
  });

  it('e continues the input with a new token, and ctrl+U clears the line to replace it', () => {
    const replaced = run(one, { type: 'edit' }, { type: 'clearLine' }, { type: 'type', text: 'a b' }, { type: 'accept' });
    expect(replaced.input).toEqual(['a', 'b']);
    const appended = [{ type: 'edit' }, { type: 'type', text: 'c' }, { type: 'accept' }] as const;
    expect(appended.reduce((s: TuiState, a) => reduce(s, a, one), replaced).input).toEqual(['a', 'b', 'c']);
  });

  it('names every token that is not in the vocabulary, not just the first', () => {
    const s = run(one, { type: 'edit' }, { type: 'clearLine' }, { type: 'type', text: 'a zz b qq' }, { type: 'accept' });
    expect(s.editor?.error).toBe("input tokens 1 'zz' and 3 'qq' are not in the vocabulary {a, b, c, d, e}");
  });

  it('while editing, command keys are text', () => {
    const s = run(one, { type: 'edit' }, { type: 'toggle' }, { type: 'quit' });
    expect(s.quit).toBe(false);
    expect(side(s).ablated).toEqual([]);
  });

  it('with two models, tab moves the focus and keys act on the focused model only', () => {
    const s = run(two, { type: 'focus' }, down(), { type: 'toggle' });
    expect(s.focus).toBe(1);
    expect(side(s, 1).ablated).toEqual(['0.1']);
    expect(side(s, 0).ablated).toEqual([]);
    expect(run(two, { type: 'focus' }, { type: 'focus' }).focus).toBe(0);
    // One model: tab says why it does nothing.
    expect(run(one, { type: 'focus' }).note).toMatch(/--vs/);
    // Clear and mode apply to both.
    const both = run(two, { type: 'toggle' }, { type: 'focus' }, { type: 'toggle' }, { type: 'cycleMode' });
    expect(both.sides.map((x) => x.ablated.map(formatComponent))).toEqual([['0.0'], ['0.0']]);
    expect(both.mode).toBe('mean');
    expect(reduce(both, { type: 'clear' }, two).sides.map((x) => x.ablated)).toEqual([[], []]);
  });

  it('toggles help and asks to quit', () => {
    expect(run(one, { type: 'help' }).help).toBe(true);
    expect(run(one, { type: 'help' }, { type: 'help' }).help).toBe(false);
    expect(run(one, { type: 'quit' }).quit).toBe(true);
  });
});
