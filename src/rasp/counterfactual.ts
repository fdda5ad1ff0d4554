/**
 * The program side of an interchange intervention: evaluate the program on a base input, but with
 * one variable taking the values it takes on a source input (of the same length), and everything
 * downstream of it recomputed. This is what a model that implements the program must output when
 * the site holding that variable is patched from the source run (Geiger et al.'s causal abstraction).
 */
import { averagesAsTracr, isSelector, topoSort, type SOp } from './ast.ts';
import { encodingOf } from './encoding.ts';
import { indices, length, tokens } from './builder.ts';
import { RaspError, UserError } from './errors.ts';
import { Evaluator } from './evaluate.ts';
import type { Program } from './program.ts';
import type { MaybeValue, Value } from './values.ts';

/** The program's s-op variables by name: tokens, indices, length, and every named s-op (selectors are not values a position holds). */
export function programSOps(program: Program): Map<string, SOp> {
  const out = new Map<string, SOp>([
    ['tokens', programTokens(program)],
    ['indices', indices],
    ['length', length],
  ]);
  for (const [name, node] of program.named) if (!isSelector(node)) out.set(name, node);
  return out;
}

/** The input as the program reads it (its tokens built-in, e.g. tokens_str in a file); the input as it is when it reads none. */
export function programTokens(program: Program): SOp {
  const read = topoSort([...program.named.values(), program.output]).filter((n) => n.kind === 'tokens');
  return read.find((n) => n.name === 'tokens') ?? (read[0] as SOp | undefined) ?? tokens;
}

/** The s-op `name` denotes in the program; a UserError listing the names when it has none. */
export function programVariable(program: Program, name: string): SOp {
  const v = programSOps(program).get(name);
  if (!v) throw new UserError(`program '${program.name}' has no variable '${name}' (it has ${[...programSOps(program).keys()].join(', ')})`);
  return v;
}

/**
 * The program's output on `base` with `variable` taking its values on `source`: at every position
 * (the same lengths are needed: the variable has a value per position), or, with `at`, at that
 * input position only (any lengths that both reach it). Throws the evaluator's RaspError when the
 * overridden values make a downstream node fail (e.g. a categorical aggregate then mixes values).
 */
export function counterfactualOutput(program: Program, variable: SOp, base: readonly Value[], source: readonly Value[], at?: number): MaybeValue[] {
  if (at === undefined && base.length !== source.length)
    throw new Error(`counterfactual: a base of length ${base.length} and a source of length ${source.length}`);
  if (at !== undefined && (at >= base.length || at >= source.length)) throw new Error(`counterfactual: position ${at} is past the base or the source`);
  const fromSource = new Evaluator(source).sop(variable);
  const values = at === undefined ? fromSource : new Evaluator(base).sop(variable).map((v, p) => (p === at ? fromSource[p] : v));
  const ev = new Evaluator(base, new Map([[variable.id, values]]));
  const out = [...ev.sop(program.output)];
  // A categorical aggregate is a copy of one value (compiler/copies.ts refuses a program whose real
  // inputs make it average); overridden values can make it average where no input does, a state the
  // program's categorical reading does not have: refused, as an input the evaluator refuses is.
  for (const n of topoSort([program.output]))
    if (n.kind === 'aggregate' && encodingOf(n) === 'categorical' && !averagesAsTracr(n)) {
      const avg = ev.averagedAt(n);
      if (avg) throw new RaspError(`counterfactual: categorical aggregate ${n.name ?? `#${n.id}`} averages at query position ${avg.query} under the override`);
    }
  return out;
}
