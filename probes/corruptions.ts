/**
 * Corrupted inputs for activation patching: each clean input gets a partner that differs in one
 * controlled way — one position's token, the length (a token appended or dropped), or whichever
 * of those changes alters a named program variable (a token change first, so that both inputs
 * have one length where they can; a variable of the length alone, such as reverse's opp_index,
 * only changes with the length). Only pairs whose program outputs differ are kept, so there is
 * something for patching to recover.
 */
import { isSelector } from '../src/rasp/ast.ts';
import { UserError } from '../src/rasp/errors.ts';
import { Evaluator } from '../src/rasp/evaluate.ts';
import type { Program } from '../src/rasp/program.ts';
import { makeRng, type Rng } from '../src/rasp/random.ts';
import { valuesEqual, type MaybeValue, type Value } from '../src/rasp/values.ts';
import { labelInput } from '../src/rasp/examples.ts';
import type { ProbeSet, ProbeTask } from './probeSet.ts';

/** 'token': one position's token; 'length': one token added or dropped; 'variable:NAME': either change, one that alters NAME. */
export type Corruption = 'token' | 'length' | `variable:${string}`;

export interface CorruptPairs {
  readonly clean: ProbeSet;
  readonly corrupt: ProbeSet;
  /** Clean inputs that got no partner (no change of the asked kind alters the output). */
  readonly skipped: number;
}

const sameSeq = (a: readonly MaybeValue[], b: readonly MaybeValue[]) => a.length === b.length && a.every((v, i) => valuesEqual(v, b[i]));

function shuffled<T>(xs: T[], rng: Rng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

/** Every input one token substitution away, in a random order. */
function substitutions(input: readonly Value[], vocab: readonly Value[], rng: Rng): Value[][] {
  const out: Value[][] = [];
  input.forEach((t, p) => {
    for (const v of vocab) if (!valuesEqual(v, t)) out.push(input.map((x, i) => (i === p ? v : x)));
  });
  return shuffled(out, rng);
}

/** Every input with one token appended or the last dropped, within the task's lengths, in a random order. */
function lengthChanges(input: readonly Value[], task: ProbeTask, rng: Rng): Value[][] {
  const out: Value[][] = [];
  if (input.length < task.maxLen) for (const v of task.vocab) out.push([...input, v]);
  if (input.length > task.minLen) out.push(input.slice(0, -1));
  return shuffled(out, rng);
}

function variableChanges(program: Program, name: string): (a: readonly Value[], b: readonly Value[]) => boolean {
  const node = program.named.get(name);
  if (!node) throw new UserError(`corruption variable:${name}: the program has no variable '${name}' (it has ${[...program.named.keys()].join(', ')})`);
  if (isSelector(node)) throw new UserError(`corruption variable:${name}: '${name}' is a selector; name an s-op`);
  return (a, b) => {
    try {
      return !sameSeq(new Evaluator(a).sop(node), new Evaluator(b).sop(node));
    } catch {
      return false;
    }
  };
}

export function parseCorruption(text: string): Corruption {
  if (text === 'token' || text === 'length' || /^variable:.+/.test(text)) return text as Corruption;
  throw new UserError(`unknown corruption '${text}'; use token, length or variable:NAME (a variable of the program)`);
}

/** A corrupted partner for each clean input (those without one are skipped). */
export function makeCorruptions(program: Program, clean: ProbeSet, kind: Corruption, task: ProbeTask, seed = 0): CorruptPairs {
  const rng = makeRng(seed).fork(`corrupt:${kind}`);
  const alters = kind.startsWith('variable:') ? variableChanges(program, kind.slice('variable:'.length)) : () => true;
  const ins: Value[][] = [];
  const outs: MaybeValue[][] = [];
  const cIns: Value[][] = [];
  const cOuts: MaybeValue[][] = [];
  let skipped = 0;
  clean.inputs.forEach((input, i) => {
    const candidates =
      kind === 'length'
        ? lengthChanges(input, task, rng)
        : kind === 'token'
          ? substitutions(input, task.vocab, rng)
          : [...substitutions(input, task.vocab, rng), ...lengthChanges(input, task, rng)];
    for (const c of candidates) {
      if (!alters(input, c)) continue;
      const out = labelInput(program, c);
      if (out === null || sameSeq(out.slice(0, input.length), clean.expected[i].slice(0, c.length))) continue;
      ins.push(input);
      outs.push(clean.expected[i]);
      cIns.push(c);
      cOuts.push(out);
      return;
    }
    skipped++;
  });
  return {
    clean: { inputs: ins, expected: outs, exhaustive: false },
    corrupt: { inputs: cIns, expected: cOuts, exhaustive: false },
    skipped,
  };
}
