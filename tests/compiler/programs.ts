/**
 * tracr's library programs (tracr/compiler/lib.py) written with the builder, for the compiler's
 * end-to-end and size tests. Where tracr's encodings differ from rasplab's inference (a tracr Map
 * is categorical unless annotated), the annotation is written out.
 */
import type { SOp } from '../../src/rasp/ast.ts';
import {
  aggregate,
  categorical,
  constant,
  indices,
  length as lengthNode,
  map,
  numerical,
  select,
  selectorWidth,
  tokens,
  zipmap,
} from '../../src/rasp/builder.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';

export function program(name: string, output: SOp, ...named: SOp[]): Program {
  const out = output.named(name);
  return { name, output: out, named: new Map([...named.filter((n) => n.name).map((n) => [n.name!, n] as const), [name, out]]) };
}

const num = (x: Value) => Number(x);

export const makeLength = () => selectorWidth(select(tokens, tokens, 'TRUE').named('all_true_selector')).named('length');

export function reverse(): Program {
  const length = makeLength();
  const opp = zipmap((l, i) => num(l) - num(i), length, indices).named('opp_idx');
  const opp1 = map((x) => num(x) - 1, opp).named('opp_idx-1');
  return program('reverse', aggregate(select(indices, opp1, '==').named('reverse_selector'), tokens), opp1);
}

/** reverse with the built-in `length` (RASP's primitive) instead of a selector width. */
export function reverseBuiltinLength(): Program {
  const opp = map(
    (x) => num(x) - 1,
    zipmap((l, i) => num(l) - num(i), lengthNode, indices),
  ).named('opp_index');
  return program('reverse', aggregate(select(indices, opp, '=='), tokens), opp);
}

export const length = (): Program => program('length', makeLength());

export const makeHist = () => selectorWidth(select(tokens, tokens, '==').named('same_tok')).named('hist');
export const hist = (): Program => program('hist', makeHist());

function sortUniqueOf(vals: SOp, keys: SOp): SOp {
  const smaller = select(keys, keys, '<').named('smaller');
  const target = selectorWidth(smaller).named('target_pos');
  return aggregate(select(target, indices, '=='), vals);
}
export const sortUnique = (): Program => program('sort_unique', sortUniqueOf(tokens, tokens));

function sortOf(vals: SOp, keys: SOp, maxLen: number, minKey: number): SOp {
  const unique = zipmap((x, i) => num(x) + (minKey * num(i)) / maxLen, keys, indices).named('keys');
  return sortUniqueOf(vals, unique);
}
export const sort = (maxLen: number): Program => program('sort', sortOf(tokens, tokens, maxLen, 1));

export function sortFreq(maxLen: number): Program {
  const negHist = map((x) => -1 * num(x), makeHist()).named('neg_hist');
  return program('sort_freq', sortOf(tokens, negHist, maxLen, 1));
}

function fracPrevsOf(bools: SOp): SOp {
  const prevs = select(indices, indices, '<=');
  return numerical(aggregate(prevs, numerical(bools), 0));
}
export const fracPrevs = (token: Value = 'x'): Program => program('frac_prevs', fracPrevsOf(map((t) => t === token, tokens).named('is_x')));

function pairBalanceOf(open: Value, close: Value, tag = ''): SOp {
  const opens = fracPrevsOf(map((t) => t === open, tokens).named(`bools_open${tag}`)).named(`opens${tag}`);
  const closes = fracPrevsOf(map((t) => t === close, tokens).named(`bools_close${tag}`)).named(`closes${tag}`);
  return numerical(zipmap((a, b) => num(a) - num(b), opens, closes));
}
export const pairBalance = (): Program => program('pair_balance', pairBalanceOf('(', ')'));

export function shuffleDyck(pairs: readonly string[]): Program {
  const balances = pairs.map((p, k) => pairBalanceOf(p[0], p[1], `_${k}`).named(`balance_${p}`));
  let anyNeg: SOp = categorical(map((b) => num(b) < 0, balances[0]));
  for (const b of balances.slice(1)) anyNeg = categorical(zipmap((x, y) => Boolean(x) || Boolean(y), anyNeg, categorical(map((v) => num(v) < 0, b))));
  const anyNegative = numerical(map((x) => x, anyNeg)).named('any_negative');
  const hasNeg = numerical(aggregate(select(indices, indices, 'TRUE').named('select_all'), anyNegative, 0)).named('has_neg');
  let allZero: SOp = categorical(map((b) => num(b) === 0, balances[0]));
  for (const b of balances.slice(1)) allZero = categorical(zipmap((x, y) => Boolean(x) && Boolean(y), allZero, categorical(map((v) => num(v) === 0, b))));
  const lastPos = map((l) => num(l) - 1, makeLength());
  const lastZero = aggregate(select(indices, lastPos, '==').named('select_last'), allZero).named('last_zero');
  const notHasNeg = categorical(map((x) => !x, hasNeg)).named('not_has_neg');
  return program(pairs.length > 1 ? 'shuffle_dyck2' : 'shuffle_dyck', categorical(zipmap((a, b) => Boolean(a) && Boolean(b), lastZero, notHasNeg)));
}

export function countLessFreq(n: number): Program {
  const h = makeHist();
  return program('count_less_freq', selectorWidth(select(h, constant(n), '<=').named('select_less')));
}

/** An aggregate with a default: the previous token, or 0 at the first position. */
export const previousOrZero = (): Program =>
  program(
    'previous',
    aggregate(
      select(
        indices,
        map((i) => num(i) + 1, indices),
        '==',
      ),
      tokens,
      0,
    ),
  );

/** A selector-width chain: how many tokens are smaller than this one, then whether that is even. */
export const smallerEven = (): Program =>
  program(
    'smaller_even',
    map((w) => num(w) % 2 === 0, selectorWidth(select(tokens, tokens, '<')).named('n_smaller')),
  );
