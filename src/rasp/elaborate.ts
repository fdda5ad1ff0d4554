/**
 * Elaboration: runs a `.rasp` file's statements and builds the RASP graph (ast.ts).
 *
 * Values while running are constants, lists, s-ops, selectors, functions and tuples (scope.ts).
 * Operators fold constants and turn anything involving an s-op into one element-wise map per
 * assigned expression (elementwise.ts). A top-level assignment names its node; naming an already
 * named node makes an alias. Defs close over the scope they were written in and resolve names when
 * called, so a def that mentions an undefined name only fails if it is called.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  children,
  isSelector,
  isSOp,
  SelectorAndNode,
  SelectorNotNode,
  SelectorOrNode,
  topoSort,
  type RaspNode,
  type ScalarExpr,
  type Selector,
  type SOp,
} from './ast.ts';
import { builtinScope, callBuiltin, type Arg } from './builtins.ts';
import { concatLists, constantItems, indexValue, loopItems, makeDict, occursIn, unpackLoopItem } from './collections.ts';
import { asElementwise, combine, materialise } from './elementwise.ts';
import { combineErrors, RaspError, type SourceLoc } from './errors.ts';
import { ceilingOf, raiseHint } from './limits.ts';
import { parseRecovering } from './parser.ts';
import { Evaluator } from './evaluate.ts';
import { isInside, readLoadedFile } from './programFile.ts';
import { truthy } from './scalar.ts';
import type { LoadedFile } from './program.ts';
import { kindText, Scope, suggestName, type DefStmt, type Val } from './scope.ts';
import type { Expr, Pos, Stmt } from './syntax.ts';
import { formatValue, valuesEqual, type Value } from './values.ts';
import { plural } from './plural.ts';

export const MAX_CALL_DEPTH = 100;
/**
 * The deepest expressions may nest, counted through def calls: the parser bounds one expression's
 * nesting, but a def called inside a nested expression nests its own body further.
 */
export const MAX_ELABORATION_DEPTH = 1000;
/**
 * The deepest and/or/not may nest in one selector, over any number of statements (`s2 = s1 and t`):
 * the compiler recurses over the formula to split it into attention-score groups.
 */
export const MAX_SELECTOR_DEPTH = 256;
/** The most files that may be loading one another at once (the main file included): each nests the next. */
export const MAX_LOAD_DEPTH = 64;

export interface ElaborateOptions {
  /** The file's path, as it should appear in messages and node locations. */
  readonly file: string;
  /** The name of the s-op to output (default: the last s-op the main file assigns). */
  readonly output?: string;
  /** Reads a file named by `load` (default: from disk, programFile.ts `readLoadedFile`). */
  readonly readFile?: (path: string) => string;
  /** The folder `load` may read in, it and below (default: the main file's folder). */
  readonly root?: string;
  /** Set for text that may read no file (a program recorded in a model file): the message for a `load` of `path`. */
  readonly refuseLoad?: (path: string) => string;
  /**
   * What the program's loads read when it was first read (Elaborated.loaded, kept in model files):
   * a `load` it lists runs that text again, reading no file; one it does not list reads or is refused as usual.
   */
  readonly loaded?: readonly LoadedFile[];
  /**
   * An input every top-level statement's s-op or selector is evaluated on as it is made, as RASP's
   * interpreter does with its running example ("hello" unless set): a statement that fails on it is
   * a mistake of the program (`1/tokens;`). No check without one.
   */
  readonly example?: readonly Value[];
}

export interface Elaborated {
  readonly output: SOp;
  readonly named: ReadonlyMap<string, RaspNode>;
  /** What was skipped, located (REPL commands in a file), in the order met. */
  readonly notes: readonly RaspError[];
  /** Every load that ran, with the text it read, in the order met (for replaying it without the files). */
  readonly loaded: readonly LoadedFile[];
}

interface Assignment {
  readonly name: string;
  readonly node: RaspNode;
  readonly inMainFile: boolean;
  /** The name was later given a value that is no s-op or selector. */
  superseded?: boolean;
}

/** Signals a `return` inside a def's body. */
class Return {
  constructor(readonly value: Val) {}
}

export function elaborate(text: string, opts: ElaborateOptions): Elaborated {
  return new Elaborator(opts).run(text);
}

class Elaborator {
  /** The built-ins, one set per program: every file's scope reads the same `tokens` node. */
  private readonly builtins = builtinScope();
  private readonly global = new Scope(this.builtins);
  private readonly named = new Map<string, RaspNode>();
  private readonly assignments: Assignment[] = [];
  /** Files being loaded, outermost first (absolute paths), to detect load cycles. */
  private readonly loading: string[] = [];
  /** Which file each def was written in (a def from a loaded file reports errors there). */
  private readonly defFiles = new WeakMap<DefStmt, string>();
  private file: string;
  private depth = 0;
  /** Absolute: every file `load` reads lies in it. */
  private readonly root: string;
  /** Def calls and loop iterations so far, and how many may run: nested defs and loops multiply. */
  private steps = 0;
  private readonly maxSteps = ceilingOf('elaborationSteps');
  /** How many expressions enclose the one being elaborated, through def calls too. */
  private nesting = 0;
  /** The mistakes found so far, one per failed top-level statement, in the order they were met. */
  private readonly errors: RaspError[] = [];
  private readonly notes: RaspError[] = [];
  private readonly loaded: LoadedFile[] = [];
  /** Evaluates statements on the example input (one memo for the program). */
  private readonly exampleRun?: Evaluator;

  constructor(private readonly opts: ElaborateOptions) {
    this.file = opts.file;
    this.root = resolve(opts.root ?? dirname(opts.file));
    if (opts.example) this.exampleRun = new Evaluator(opts.example);
  }

  run(text: string): Elaborated {
    this.runFile(text, this.opts.file);
    if (this.errors.length) throw combineErrors(this.errors);
    return { output: this.pickOutput(), named: this.named, notes: this.notes, loaded: this.loaded };
  }

  private loc(p: Pos): SourceLoc {
    return { file: this.file, line: p.line, col: p.col };
  }

  /**
   * Runs a file statement by statement: a statement that fails to parse or to run is recorded and
   * skipped (what it would have assigned stays unassigned), and the next one runs.
   */
  private runFile(text: string, file: string, scope: Scope = this.global): void {
    const { tree, errors: syntaxErrors, notes } = parseRecovering(text, file);
    this.notes.push(...notes);
    const saved = this.file;
    this.file = file;
    this.loading.push(resolve(file));
    let k = 0;
    const before = (p: Pos) => (e: RaspError) => e.loc!.line < p.line || (e.loc!.line === p.line && e.loc!.col < p.col);
    try {
      for (const s of tree.statements) {
        while (k < syntaxErrors.length && before(s.pos)(syntaxErrors[k])) this.errors.push(syntaxErrors[k++]);
        try {
          this.statement(s, scope, true);
        } catch (e) {
          if (!(e instanceof RaspError)) throw e;
          this.errors.push(e);
        }
      }
      this.errors.push(...syntaxErrors.slice(k));
    } finally {
      this.loading.pop();
      this.file = saved;
    }
  }

  private pickOutput(): SOp {
    const fileLoc = { file: this.opts.file, line: 1, col: 1 };
    if (this.opts.output !== undefined) {
      const name = this.opts.output;
      const node = this.named.get(name);
      if (!node) {
        const hint = suggestName(name, [...this.named.keys()]);
        throw new RaspError(`no s-op named '${name}' to output${hint ? ` (did you mean '${hint}'?)` : ''}`, fileLoc);
      }
      if (!isSOpNode(node)) throw new RaspError(`'${name}' is a selector; the output must be an s-op`, fileLoc);
      return node;
    }
    const all = this.assignments.filter((a) => isSOpNode(a.node) && !a.superseded);
    const sops = all.some((a) => !isPrivate(a.name)) ? all.filter((a) => !isPrivate(a.name)) : all;
    const main = sops.filter((a) => a.inMainFile);
    const last = (main.length ? main : sops).at(-1);
    if (!last) throw new RaspError('the program assigns no s-op, so it has no output', fileLoc);
    return last.node as SOp;
  }

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  /** Runs one statement; a `return` inside a def is thrown as Return. */
  private statement(s: Stmt, scope: Scope, topLevel: boolean): void {
    switch (s.kind) {
      case 'assign':
        return this.assign(s, scope, topLevel);
      case 'expr': {
        if (topLevel && this.isExampleEvaluation(s.expr, scope)) return;
        const v = this.expr(s.expr, scope);
        if (topLevel) this.tryOnExample(materialise(v, this.loc(s.expr.pos)), this.loc(s.expr.pos));
        return;
      }
      case 'def':
        checkAssignable(s.name, topLevel, this.loc(s.pos));
        this.defFiles.set(s, this.file);
        scope.set(s.name, { t: 'def', def: s, scope });
        return;
      case 'return': {
        const vals = s.values.map((e) => materialise(this.expr(e, scope), this.loc(e.pos)));
        throw new Return(vals.length === 1 ? vals[0] : { t: 'tuple', items: vals });
      }
      case 'load':
        if (!topLevel) throw new RaspError("'load' is only allowed at the top level of a file", this.loc(s.pos));
        return this.load(s.path, this.loc(s.pos), scope);
      case 'for': {
        const list = this.expr(s.iterable, scope);
        for (const item of loopItems(list, this.loc(s.iterable.pos))) {
          this.step("this 'for' loop", this.loc(s.pos));
          const parts = unpackLoopItem(item, s.vars, this.loc(s.pos));
          s.vars.forEach((name, i) => {
            checkAssignable(name, topLevel, this.loc(s.pos));
            scope.set(name, parts[i]);
          });
          for (const b of s.body) this.statement(b, scope, topLevel);
        }
        return;
      }
    }
  }

  /** Counts one def call or loop iteration; past the ceiling, a RaspError naming `construct` at `loc`. */
  private step(construct: string, loc: SourceLoc): void {
    if (++this.steps <= this.maxSteps) return;
    throw new RaspError(
      `${construct} takes the program past the ceiling of ${this.maxSteps} def calls and loop iterations; ${raiseHint('elaborationSteps')}`,
      loc,
    );
  }

  private assign(s: Extract<Stmt, { kind: 'assign' }>, scope: Scope, topLevel: boolean): void {
    let values: Val[];
    if (s.values.length === 1) {
      const v = materialise(this.expr(s.values[0], scope), this.loc(s.values[0].pos));
      if (s.targets.length === 1) values = [v];
      // As the interpreter, several names unpack a list as they unpack a def's several results.
      else if ((v.t === 'tuple' || v.t === 'list') && v.items.length === s.targets.length) values = [...v.items];
      else throw new RaspError(`cannot assign ${kindText(v)} to ${s.targets.length} names (${s.targets.join(', ')})`, this.loc(s.values[0].pos));
    } else {
      if (s.values.length !== s.targets.length) throw new RaspError(`${s.targets.length} names but ${s.values.length} values in assignment`, this.loc(s.pos));
      values = s.values.map((e) => materialise(this.expr(e, scope), this.loc(e.pos)));
    }
    for (const name of s.targets) checkAssignable(name, topLevel, this.loc(s.pos));
    if (topLevel) values.forEach((v, i) => this.tryOnExample(v, this.loc((s.values[i] ?? s.values[0]).pos)));
    s.targets.forEach((name, i) => scope.set(name, topLevel ? this.nameValue(name, values[i]) : values[i]));
  }

  /** Evaluates an s-op or selector a top-level statement made on the example input; a failure is the statement's mistake. */
  private tryOnExample(v: Val, loc: SourceLoc): void {
    if (!this.exampleRun || (v.t !== 'sop' && v.t !== 'selector')) return;
    try {
      this.exampleRun.value(v.node);
    } catch (e) {
      if (!(e instanceof RaspError)) throw e;
      const example = this.opts.example!.map((x) => formatValue(x)).join(' ');
      throw new RaspError(`${e.detail}, on the example input "${example}" (RASP checks each statement on its running example)`, e.loc ?? loc);
    }
  }

  /** A top-level assignment: the node is named (or, if it already has a name, aliased). */
  private nameValue(name: string, v: Val): Val {
    if (v.t !== 'sop' && v.t !== 'selector') {
      // The name now holds a constant, list or function: its earlier s-op is no longer what it names,
      // so it is neither offered (--output, traces) nor the default output.
      this.named.delete(name);
      for (const a of this.assignments) if (a.name === name) a.superseded = true;
      return v;
    }
    const node = v.node.name === undefined ? v.node.named(name) : v.node;
    this.named.delete(name);
    // A name starting with `_` is private, as in RASP: the node keeps it, but traces and the names a
    // program offers (--output, variables, the default output) leave it out.
    if (!isPrivate(name)) this.named.set(name, node);
    this.assignments.push({ name, node, inMainFile: this.loading.length === 1 });
    return v.t === 'sop' ? { t: 'sop', node: node as SOp } : { t: 'selector', node: node as typeof v.node };
  }

  /**
   * A `load` reads a file relative to the file that loads it, inside the main file's folder: a
   * program may not reach other files by an absolute path, `..` or a link (programFile.ts). As in
   * the interpreter, the loaded file runs in a fresh scope (the built-ins only: it cannot read the
   * loader's names), and its public names, not its `_` ones, are then the loader's.
   */
  private load(path: string, loc: SourceLoc, into: Scope): void {
    const from = this.keyOf(this.file);
    const recorded = this.opts.loaded?.find((l) => l.from === from && l.path === path);
    if (recorded) {
      this.checkLoadable(recorded.file, path, loc);
      return this.runLoaded(recorded, into);
    }
    if (this.opts.refuseLoad) throw new RaspError(this.opts.refuseLoad(path));
    if (isAbsolute(path))
      throw new RaspError(`cannot load "${path}": an absolute path; load names a file in the program's folder, relative to the loading file`, loc);
    // As the interpreter's load, a name without `.rasp` means the file with it, and a path that is
    // not beside the loading file is looked for from the working folder (where the interpreter runs,
    // so its own programs' `load "tests/rasps/loadB"` finds them); always inside the program's folder.
    const names = path.endsWith('.rasp') ? [path] : [`${path}.rasp`, path];
    const candidates = [...names.map((n) => join(dirname(this.file), n)), ...names.map((n) => resolve(n))];
    const inside = candidates.filter((c) => isInside(this.root, resolve(c)));
    if (inside.length === 0) throw new RaspError(`cannot load "${path}": it leaves the program's folder ${this.root}`, loc);
    let target = inside[0];
    let text: string | undefined;
    let firstWhy: string | undefined;
    for (const candidate of inside) {
      this.checkLoadable(candidate, path, loc);
      try {
        text = this.opts.readFile ? this.opts.readFile(candidate) : readLoadedFile(candidate, this.root);
        target = candidate;
        break;
      } catch (e) {
        const code = (e as { code?: string }).code;
        const why = e instanceof RaspError ? e.detail : code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
        if (why !== 'no such file') throw new RaspError(`cannot load "${path}": ${why} (${candidate})`, loc);
        firstWhy ??= why;
      }
    }
    if (text === undefined) throw new RaspError(`cannot load "${path}": ${firstWhy} (${inside[0]})`, loc);
    this.runLoaded({ from, path, file: this.keyOf(target), text }, into, target);
  }

  /** A load of `file` (as `path`) would close a cycle or nest past the limit: a located error. */
  private checkLoadable(file: string, path: string, loc: SourceLoc): void {
    const abs = resolve(file);
    if (this.loading.includes(abs)) {
      const chain = [...this.loading.slice(this.loading.indexOf(abs)), abs].map((p) => p.split(/[\\/]/).at(-1)).join(' -> ');
      throw new RaspError(`load cycle: ${chain}`, loc);
    }
    if (this.loading.length >= MAX_LOAD_DEPTH)
      throw new RaspError(`cannot load "${path}": loads nested too deeply: more than ${MAX_LOAD_DEPTH} files loading one another (the limit)`, loc);
  }

  /** Runs a loaded file's text in a scope of its own and records the load; `file` is where it was read (default: its key). */
  private runLoaded(l: LoadedFile, into: Scope, file: string = l.file): void {
    if (!this.loaded.some((r) => r.from === l.from && r.path === l.path)) this.loaded.push(l);
    const own = new Scope(this.builtins);
    this.runFile(l.text, file, own);
    for (const [name, v] of own.entries()) if (!isPrivate(name)) into.set(name, v);
  }

  /** A file's name relative to the program's folder, with `/` between folders: how a recorded load names it. */
  private keyOf(file: string): string {
    return relative(this.root, resolve(file)).split(sep).join('/');
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  private expr(e: Expr, scope: Scope): Val {
    if (this.nesting >= MAX_ELABORATION_DEPTH)
      throw new RaspError(
        `nested too deeply: more than ${MAX_ELABORATION_DEPTH} levels of expressions, counted through def calls (the limit)`,
        this.loc(e.pos),
      );
    this.nesting++;
    try {
      return this.exprHere(e, scope);
    } finally {
      this.nesting--;
    }
  }

  private exprHere(e: Expr, scope: Scope): Val {
    const loc = this.loc(e.pos);
    switch (e.kind) {
      case 'number':
        return { t: 'const', v: e.value, float: e.float };
      case 'string':
      case 'bool':
        return { t: 'const', v: e.value };
      case 'name':
        return this.lookup(e.name, scope, loc);
      case 'operator':
        throw new RaspError(`a bare comparison operator '${e.op}' is only allowed as select's third argument`, loc);
      case 'list':
        return { t: 'list', items: e.items.map((i) => materialise(this.expr(i, scope), this.loc(i.pos))) };
      case 'listComp':
        return this.listComp(e, scope);
      case 'dict':
        return makeDict(
          e.entries.map((d) => ({
            key: this.expr(d.key, scope),
            val: materialise(this.expr(d.value, scope), this.loc(d.value.pos)),
            loc: this.loc(d.key.pos),
          })),
        );
      case 'dictComp':
        return this.dictComp(e, scope);
      case 'unary':
        return this.unary(e.op, this.expr(e.arg, scope), loc);
      case 'binary':
        return this.binaryChain(e, scope);
      case 'cond':
        return this.cond(e, scope, loc);
      case 'index':
        return indexValue(this.expr(e.target, scope), this.expr(e.index, scope), loc);
      case 'call':
        return this.call(e, scope, loc);
    }
  }

  private lookup(name: string, scope: Scope, loc: SourceLoc): Val {
    const v = scope.get(name);
    if (v) return v;
    const hint = suggestName(name, scope.visibleNames());
    throw new RaspError(`unknown name '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`, loc);
  }

  private constant(v: Val, what: string, loc: SourceLoc): Value {
    if (v.t !== 'const') throw new RaspError(`${what} must be a constant, found ${kindText(v)}`, loc);
    return v.v;
  }

  /** The scope of each round of a comprehension over `iterable`, its names bound to the round's item. */
  private *comprehension(iterable: Expr, vars: readonly string[], scope: Scope, pos: Pos, what: string): Generator<Scope> {
    const list = this.expr(iterable, scope);
    for (const item of loopItems(list, this.loc(iterable.pos))) {
      this.step(what, this.loc(pos));
      const parts = unpackLoopItem(item, vars, this.loc(pos));
      const inner = new Scope(scope);
      vars.forEach((name, i) => inner.set(name, parts[i]));
      yield inner;
    }
  }

  private listComp(e: Extract<Expr, { kind: 'listComp' }>, scope: Scope): Val {
    const items: Val[] = [];
    for (const inner of this.comprehension(e.iterable, e.vars, scope, e.pos, 'this list comprehension')) {
      if (e.filter && !truthy(this.constant(this.expr(e.filter, inner), 'a list comprehension condition', this.loc(e.filter.pos)))) continue;
      items.push(materialise(this.expr(e.body, inner), this.loc(e.body.pos)));
    }
    return { t: 'list', items };
  }

  private dictComp(e: Extract<Expr, { kind: 'dictComp' }>, scope: Scope): Val {
    const pairs: { key: Val; val: Val; loc: SourceLoc }[] = [];
    for (const inner of this.comprehension(e.iterable, e.vars, scope, e.pos, 'this dictionary comprehension'))
      pairs.push({ key: this.expr(e.key, inner), val: materialise(this.expr(e.value, inner), this.loc(e.value.pos)), loc: this.loc(e.key.pos) });
    return makeDict(pairs);
  }

  private unary(op: '-' | '+' | 'not', v: Val, loc: SourceLoc): Val {
    if (op === 'not') {
      if (v.t === 'selector') return selectorVal(new SelectorNotNode(v.node).at(loc), loc);
      return combine([v], "'not'", loc, ([b]) => ({ op: 'unary', fn: 'not', arg: b }));
    }
    if (op === '-') return combine([v], "'-'", loc, ([b]) => ({ op: 'unary', fn: 'neg', arg: b }));
    // Unary plus checks its operand is numeric (Python) and leaves it unchanged.
    if (v.t === 'const' && typeof v.v === 'string') throw new RaspError(`unary '+' needs a number, found a string`, loc);
    asElementwise(v, "'+'", loc);
    return v;
  }

  /**
   * `a + b + c …` is a left-leaning tree as deep as the chain is long; it is walked down its left
   * spine and folded back up in a loop, left operand first as before, so a long chain costs no stack.
   */
  private binaryChain(e: Extract<Expr, { kind: 'binary' }>, scope: Scope): Val {
    const spine: Extract<Expr, { kind: 'binary' }>[] = [];
    let leftmost: Expr = e;
    while (leftmost.kind === 'binary') {
      spine.push(leftmost);
      leftmost = leftmost.left;
    }
    let left = this.expr(leftmost, scope);
    for (let k = spine.length - 1; k >= 0; k--) left = this.binary(spine[k], left, scope, this.loc(spine[k].pos));
    return left;
  }

  /** `e` with its left operand already elaborated to `left`. */
  private binary(e: Extract<Expr, { kind: 'binary' }>, left: Val, scope: Scope, loc: SourceLoc): Val {
    if (e.op === 'and' || e.op === 'or') {
      // RASP evaluates both operands. Two constants: Python's and/or, which give an operand; with an
      // s-op, a boolean s-op (RASP's tpland/tplor); two selectors: a selector.
      const right = this.expr(e.right, scope);
      if (left.t === 'const' && right.t === 'const') {
        const takeLeft = e.op === 'and' ? !truthy(left.v) : truthy(left.v);
        return takeLeft ? left : right;
      }
      if (left.t === 'selector' || right.t === 'selector') {
        if (left.t !== 'selector' || right.t !== 'selector')
          throw new RaspError(`'${e.op}' cannot combine a selector with ${kindText(left.t === 'selector' ? right : left)}`, loc);
        const node = e.op === 'and' ? new SelectorAndNode(left.node, right.node) : new SelectorOrNode(left.node, right.node);
        return selectorVal(node.at(loc), loc);
      }
      return this.binaryOp(e.op, left, right, loc);
    }
    const right = this.expr(e.right, scope);
    if (e.op === 'in') {
      if (left.t === 'const' && (right.t === 'sop' || right.t === 'elementwise')) {
        const container = materialise(right, loc);
        if (container.t === 'sop') return occursIn(left.v, container.node, loc);
      }
      if (right.t !== 'list') throw new RaspError(`'in' needs a constant list on its right, found ${kindText(right)}`, loc);
      const list = constantItems(right, "'in'", loc);
      if (left.t === 'const') return { t: 'const', v: list.some((x) => valuesEqual(x, left.v)) };
      return combine([left], "'in'", loc, ([item]) => ({ op: 'in', item, list }));
    }
    if (e.op === '+' && left.t === 'list' && right.t === 'list') return concatLists(left, right);
    return this.binaryOp(e.op, left, right, loc);
  }

  private binaryOp(fn: Extract<ScalarExpr, { op: 'binary' }>['fn'], left: Val, right: Val, loc: SourceLoc): Val {
    return combine([left, right], `'${fn}'`, loc, ([l, r]) => ({ op: 'binary', fn, left: l, right: r }));
  }

  private cond(e: Extract<Expr, { kind: 'cond' }>, scope: Scope, loc: SourceLoc): Val {
    const test = this.expr(e.test, scope);
    if (test.t === 'const') return this.expr(test.v !== null && truthy(test.v) ? e.then : e.else, scope);
    const then = this.expr(e.then, scope);
    const otherwise = this.expr(e.else, scope);
    return combine([test, then, otherwise], "'if ... else'", loc, ([t, a, b]) => ({ op: 'cond', test: t, then: a, else: b }));
  }

  /**
   * `a("hello");` at the top level: the interpreter evaluates an s-op (or selector) on an example
   * and, in a file, prints nothing; no s-op changes, so it is skipped with a note.
   */
  private isExampleEvaluation(e: Expr, scope: Scope): boolean {
    if (e.kind !== 'call' || e.args.length !== 1 || (e.args[0].kind !== 'string' && e.args[0].kind !== 'list')) return false;
    if (e.callee.kind !== 'name') return false;
    const callee = scope.get(e.callee.name);
    if (!callee || (callee.t !== 'sop' && callee.t !== 'elementwise' && callee.t !== 'selector')) return false;
    this.notes.push(
      new RaspError(`'${e.callee.name}(…)' evaluates ${kindText(callee)} on an example, which changes nothing in a file; skipped`, this.loc(e.pos)),
    );
    return true;
  }

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope, loc: SourceLoc): Val {
    const callee = this.expr(e.callee, scope);
    const args: Arg[] = e.args.map((a) => ({
      val: a.kind === 'operator' ? { t: 'operator', op: a.op } : this.expr(a, scope),
      loc: this.loc(a.pos),
    }));
    if (callee.t === 'builtin') return callBuiltin(callee.name, args, loc);
    if (callee.t === 'def') return this.callDef(callee.def, callee.scope, args, loc);
    const what = e.callee.kind === 'name' ? `'${e.callee.name}' is ${kindText(callee)}` : `this is ${kindText(callee)}`;
    throw new RaspError(`${what}, not a function`, loc);
  }

  private callDef(def: DefStmt, closure: Scope, args: readonly Arg[], loc: SourceLoc): Val {
    if (args.length !== def.params.length)
      throw new RaspError(`'${def.name}' takes ${plural(def.params.length, 'argument')} (${def.params.join(', ')}), given ${args.length}`, loc);
    for (const a of args)
      if (a.val.t === 'operator') throw new RaspError(`a bare comparison operator '${a.val.op}' is only allowed as select's third argument`, a.loc);
    this.step(`the call of '${def.name}'`, loc);
    if (this.depth >= MAX_CALL_DEPTH) throw new RaspError(`recursion deeper than ${MAX_CALL_DEPTH} calls (calling '${def.name}')`, loc);
    const local = new Scope(closure);
    def.params.forEach((p, i) => local.set(p, args[i].val));
    const savedFile = this.file;
    // The def's body reports locations in the file it was written in.
    this.file = this.defFiles.get(def) ?? this.file;
    this.depth++;
    try {
      for (const s of def.body) this.statement(s, local, false);
    } catch (r) {
      if (r instanceof Return) return r.value;
      throw r;
    } finally {
      this.depth--;
      this.file = savedFile;
    }
    throw new RaspError(`'${def.name}' ended without a return statement`, loc);
  }
}

/** How deeply and/or/not nest in each selector (a select: 0); each is measured from parts already measured. */
const selectorDepths = new WeakMap<RaspNode, number>();

function selectorDepth(sel: Selector): number {
  for (const n of topoSort([sel], (k) => isSOp(k) || selectorDepths.has(k))) {
    const parts = children(n).filter(isSelector);
    selectorDepths.set(n, parts.length === 0 ? 0 : 1 + Math.max(...parts.map((c) => selectorDepths.get(c)!)));
  }
  return selectorDepths.get(sel)!;
}

function selectorVal(node: Selector, loc: SourceLoc): Val {
  if (selectorDepth(node) > MAX_SELECTOR_DEPTH)
    throw new RaspError(`selector nested too deeply: more than ${MAX_SELECTOR_DEPTH} levels of and/or/not (the limit)`, loc);
  return { t: 'selector', node };
}

/** A name RASP keeps to the file that assigns it. */
export const isPrivate = (name: string): boolean => name.startsWith('_');

/**
 * Names RASP's interpreter refuses to assign (Environment.py's reserved words, less those that are
 * keywords here already, and `out`, which rasplab's own programs and tests assign): anywhere, and at a file's top level also `length`, which its library
 * defines there (`length = 6;` is refused; inside a def a local `length` is allowed, as there).
 */
const RESERVED_EVERYWHERE: ReadonlySet<string> = new Set([
  'tokens_asis',
  'tokens_str',
  'tokens_int',
  'tokens_bool',
  'tokens_float',
  'indices',
  'range',
  'zip',
  'len',
  'get',
]);

function checkAssignable(name: string, topLevel: boolean, loc: SourceLoc): void {
  if (RESERVED_EVERYWHERE.has(name) || (topLevel && name === 'length')) throw new RaspError(`cannot assign the reserved name '${name}'`, loc);
}

function isSOpNode(n: RaspNode): n is SOp {
  return !(n.kind === 'select' || n.kind === 'selectAnd' || n.kind === 'selectOr' || n.kind === 'selectNot');
}
