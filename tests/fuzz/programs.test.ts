/**
 * The .rasp reader (header, lexer, parser, elaborator) on mutants of the library's programs and on
 * randomly nested expressions: a Program, or a RaspError with each mistake at file:line:col.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { parseProgram } from '../../src/rasp/load.ts';
import { fuzzParams, fuzzTimeout, returnsOrUserError } from './budget.ts';
import { textMutant, tokenMutant } from './mutate.ts';

const RASPLIB = readFileSync(join(LIBRARY_DIR, '..', 'rasplib.rasp'), 'utf8');
const PROGRAMS = readdirSync(LIBRARY_DIR)
  .filter((f) => f.endsWith('.rasp'))
  .sort()
  .map((f) => readFileSync(join(LIBRARY_DIR, f), 'utf8'));
const SOURCES = [...PROGRAMS, RASPLIB, `load "rasplib.rasp";\nx = count(tokens, 1);\n`];

/** `load` reads only the library, from memory: a mutant must not reach the disk. */
function readFile(path: string): string {
  if (basename(path) === 'rasplib.rasp') return RASPLIB;
  throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
}

const read = (text: string) => () => parseProgram(text, { file: '/fuzz/p.rasp', readFile });
/** Every mistake names the main file or the library it loaded, with line and column. */
const LOCATED = /^\/fuzz\/(p|rasplib)\.rasp:\d+:\d+: /;

const POOL = [
  ...['def', 'return', 'if', 'else', 'and', 'or', 'not', 'in', 'for', 'load', 'True', 'False'],
  ...['select', 'aggregate', 'selector_width', 'round', 'indicator', 'abs', 'numerical', 'categorical', 'range', 'len'],
  ...['tokens', 'indices', 'length', 'x', '__proto__', 'constructor', 'toString'],
  ...['(', ')', '[', ']', '{', '}', ',', ';', '=', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^', '.', ':', '#'],
  ...['0', '1', '2', '0.5', '-1', '1e3', '"a"', '""', '"rasplib.rasp"', '\n', ' ', '# vocab: a b', '# max-len: 3'],
];

const ATOMS = ['tokens', 'indices', 'length', '0', '1', '2.5', '"a"', 'True', 'x', 'undefined_name', '[1, 2]'];

/** Expressions nested up to 40 deep: far below any nesting limit, deep enough for every construct to hold every other. */
const nested = fc.letrec((tie) => ({
  expr: fc.oneof(
    { maxDepth: 40, depthIdentifier: 'expr' },
    fc.constantFrom(...ATOMS),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '%', '==', '<', 'and', 'or'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `not ${e}`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([a, c, b]) => `${a} if ${c} else ${b}`),
    fc.tuple(tie('expr'), tie('expr')).map(([k, q]) => `select(${k}, ${q}, ==)`),
    fc.tuple(tie('expr'), tie('expr')).map(([s, v]) => `aggregate(${s}, ${v})`),
    tie('expr').map((e) => `selector_width(${e})`),
    fc.tuple(fc.constantFrom('round', 'abs', 'indicator', 'numerical', 'categorical', 'f'), tie('expr')).map(([f, e]) => `${f}(${e})`),
    fc.array(tie('expr'), { maxLength: 3 }).map((es) => `[${es.join(', ')}]`),
    fc.tuple(tie('expr'), tie('expr')).map(([e, l]) => `${e} in ${l}`),
  ),
})).expr;

const nestedProgram = fc
  .tuple(nested, nested, fc.boolean())
  .map(([a, b, withDef]) => `${withDef ? `def f(x) {\n  return ${b};\n}\n` : ''}x = ${a};\ny = ${withDef ? 'f(x)' : b};\n`);

/** A chain of thousands of openers around one atom: past the nesting limit, a located error, never the stack's. */
const deepProgram = fc
  .tuple(fc.array(fc.constantFrom('(', 'abs(', '[', 'not ', '-', 'select(tokens, ', 'f('), { minLength: 1, maxLength: 3000 }), fc.constantFrom(...ATOMS))
  .map(([openers, atom]) => {
    const closers = openers.map((o) => (o === '[' ? ']' : o.endsWith('(') ? (o.startsWith('select') ? ', ==)' : ')') : '')).reverse();
    return `def f(x) {\n  return x;\n}\nx = ${openers.join('')}${atom}${closers.join('')};\n`;
  });

describe('fuzz: .rasp programs', () => {
  it(
    'character mutants of the library parse, or fail with one located RaspError',
    () =>
      fc.assert(
        fc.property(textMutant(SOURCES), (text) => returnsOrUserError(read(text), LOCATED)),
        fuzzParams(3000, 6),
      ),
    fuzzTimeout(6),
  );

  it(
    'token mutants of the library parse, or fail with one located RaspError',
    () =>
      fc.assert(
        fc.property(tokenMutant(SOURCES, POOL), (text) => returnsOrUserError(read(text), LOCATED)),
        fuzzParams(3000, 6),
      ),
    fuzzTimeout(6),
  );

  it(
    'thousands of nested openers parse, or fail with one located RaspError',
    () =>
      fc.assert(
        fc.property(deepProgram, (text) => returnsOrUserError(read(text), LOCATED)),
        fuzzParams(200, 5),
      ),
    fuzzTimeout(5),
  );

  it(
    'randomly nested expressions parse, or fail with one located RaspError',
    () =>
      fc.assert(
        fc.property(nestedProgram, (text) => returnsOrUserError(read(text), LOCATED)),
        fuzzParams(1000, 5),
      ),
    fuzzTimeout(5),
  );
});
