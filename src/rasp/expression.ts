/**
 * One RASP expression read in a program's scope: `select(indices, opp_index, ==)` with the
 * program's names (its s-ops, selectors and defs) bound, as a hypothesis or a query writes it.
 *
 * The elaborator has no entry point for "a scope plus one expression", so the expression is
 * elaborated as a two-line file that loads the program's own text and assigns the expression.
 * The resulting nodes are a fresh elaboration of the program: they evaluate exactly as the
 * program's nodes do, but are not the same objects (a bare name gives the program's own node).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { isSelector, type RaspNode, type Selector, type SOp } from './ast.ts';
import { elaborate } from './elaborate.ts';
import { RaspError } from './errors.ts';
import { printProgram } from './printer.ts';
import { readLoadedFile } from './programFile.ts';
import type { Program } from './program.ts';

// Not starting with `_`: such a name is private to its file and not in the program's names.
const TARGET = 'rasplab_expression__';
const PREFIX = `${TARGET} = `;
/** Where the program's text is read from when it has no file (or one the lexer cannot quote). */
const VIRTUAL_PROGRAM = 'program.rasp';
const WRAPPER_NAME = '<expression>';

export interface ExpressionOptions {
  /** What the expression is called in messages, e.g. `hyp.yaml claim 2 'implements'`. */
  readonly file: string;
}

/**
 * The program's text and a path a `load` statement can name it by; null for a program built in
 * TypeScript with JavaScript functions, which has no text.
 */
function programSource(program: Program): { path: string; text: string } | null {
  let text = program.source;
  if (text === undefined) {
    try {
      text = printProgram(program);
    } catch (e) {
      if (e instanceof RaspError) return null;
      throw e;
    }
  }
  const file = program.file;
  const quotable = file !== undefined && !/["\\\n]/.test(file);
  return { path: quotable ? file : VIRTUAL_PROGRAM, text };
}

/**
 * Elaborates `text` with the program's names in scope. A mistake in it is a RaspError located in
 * `opts.file` at line 1 and the expression's own column.
 */
export function parseExpression(program: Program, text: string, opts: ExpressionOptions): RaspNode {
  if (/[\n;]/.test(text)) throw new RaspError('an expression must be one line with no ";"', { file: opts.file, line: 1, col: 1 });
  // A bare name is the program's own node (also for programs that have no text).
  const own = program.named.get(text.trim());
  if (own) return own;
  const src = programSource(program);
  // The expression sits beside the program and loads it by its base name, so the program's own
  // `load` statements resolve (and are confined) as they were when it was first read.
  const root = src ? dirname(src.path) : '.';
  const file = join(root, WRAPPER_NAME);
  // Without the program's text, only the built-ins are in scope (the expression is still line 2).
  // The last line gives the file an s-op to output whatever the expression is.
  const wrapper = `${src ? `load "${basename(src.path)}";` : ''}\n${PREFIX}${text};\n${TARGET}_output = indices;\n`;
  const readFile = (p: string) => (src && resolve(p) === resolve(src.path) ? src.text : readLoadedFile(p, root));
  let named: ReadonlyMap<string, RaspNode>;
  try {
    named = elaborate(wrapper, { file, readFile, root }).named;
  } catch (e) {
    if (e instanceof RaspError && e.loc?.file === file) {
      const col = e.loc.line === 2 ? Math.max(1, e.loc.col - PREFIX.length) : 1;
      throw new RaspError(e.detail, { file: opts.file, line: 1, col });
    }
    throw e;
  }
  const node = named.get(TARGET);
  if (!node) throw new RaspError(`'${text}' is a constant, not an s-op or a selector`, { file: opts.file, line: 1, col: 1 });
  return node;
}

/** A selector expression; a RaspError when the text is an s-op or constant. */
export function parseSelectorExpression(program: Program, text: string, opts: ExpressionOptions): Selector {
  const node = parseExpression(program, text, opts);
  if (!isSelector(node))
    throw new RaspError(`'${text}' is an s-op, not a selector (write select(keys, queries, predicate))`, { file: opts.file, line: 1, col: 1 });
  return node;
}

/** An s-op expression; a RaspError when the text is a selector or constant. */
export function parseSOpExpression(program: Program, text: string, opts: ExpressionOptions): SOp {
  const node = parseExpression(program, text, opts);
  if (isSelector(node)) throw new RaspError(`'${text}' is a selector, not an s-op`, { file: opts.file, line: 1, col: 1 });
  return node;
}
