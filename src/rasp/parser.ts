/**
 * Recursive-descent parser for `.rasp` files: tokens → syntax tree (syntax.ts). It checks form
 * only; names, types and arity are the elaborator's business.
 *
 * Expression levels follow the `expr` rule of RASP's grammar (RASP.g4), an ANTLR rule whose
 * alternatives bind tighter the earlier they are listed; every binary level is left-associative
 * there, `^` and `if … else` included. Loosest first:
 *
 *   | level | operators                          | example and how it groups                         |
 *   |-------|------------------------------------|---------------------------------------------------|
 *   | 1     | `in` (and our `not in`)            | `x if c else y in l` is `(x if c else y) in l`    |
 *   | 2     | `x if c else y` (c: any expression) | `a if c else b if d else e` is `(a if c else b) if d else e` |
 *   | 3     | `and`, `or` (one level)            | `a or b and c` is `(a or b) and c`                |
 *   | 4     | `== != < <= > >=`                  | `a < b == c` is `(a < b) == c`                    |
 *   | 5     | `+ -`                              |                                                   |
 *   | 6     | `%`                                | `indices % 3 * 2` is `indices % 6`                |
 *   | 7     | `* /`                              | `a * b % c` is `(a * b) % c`                      |
 *   | 8     | `^`                                | `2 ^ indices ^ 2` is `(2 ^ indices) ^ 2`          |
 *   | 9     | prefix `not - +`                   | `not tokens == "a"` is `(not tokens) == "a"`, `-indices ^ 2` is `(-indices) ^ 2` |
 *   | 10    | calls, indexing, atoms, `( )`      |                                                   |
 *
 * (`!=` between s-ops and `not in` are ours; RASP's grammar has `!=` only inside `select`.)
 *
 * A mistake in a top-level statement does not end the parse: the statement is dropped (its tokens
 * skipped to the `;` that ends it, or the `}` that closes its block) and the next one is read, so a
 * file with several mistakes reports each, as RASP's interpreter does when it reads a file statement
 * by statement. A stray `;` (an empty statement) is one of them: RASP.g4 has no empty statement.
 *
 * Nesting (parentheses, brackets, calls, indexing, prefix operators, chained conditionals, blocks) is
 * limited to MAX_NESTING levels, so that no later pass, each of which recurses over the tree, can
 * run out of JS stack; flat chains (`a + b + c …`, statement lists) are loops here and later.
 */
import type { Comparison } from './ast.ts';
import { combineErrors, RaspError } from './errors.ts';
import { tokenDescription, tokenize, type Token } from './lexer.ts';
import type { BinaryOp, Expr, Pos, Stmt, SyntaxTree } from './syntax.ts';

/** The deepest nesting a file may have; it leaves every later pass ample room in Node's default stack. */
export const MAX_NESTING = 256;

const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

/**
 * Commands of RASP's interactive shell. The interpreter runs them in files too (`set example …` sets
 * its running example, `full seq display on` how it prints); neither changes what an s-op computes,
 * so in a file each is skipped with a note that it is not supported in files: `draw(…)` to its `;`,
 * the others, which RASP.g4 ends without one, to the end of their line. `exit` and `quit` end the
 * interpreter's reading of a file; they stay mistakes.
 */
const REPL_COMMANDS: ReadonlySet<string> = new Set(['set', 'show', 'draw', 'full', 'exit', 'quit', 'examples', 'compact']);
const SKIPPED_REPL_COMMANDS: ReadonlySet<string> = new Set(['set', 'show', 'draw', 'full', 'examples', 'compact']);

/**
 * The statements that parsed, a located error for each top-level statement that did not (in file
 * order), and a located note for each REPL command skipped.
 */
export function parseRecovering(
  text: string,
  file: string,
): { readonly tree: SyntaxTree; readonly errors: readonly RaspError[]; readonly notes: readonly RaspError[] } {
  const parser = new Parser(tokenize(text), file);
  const tree = parser.program();
  return { tree, errors: parser.errors, notes: parser.notes };
}

/** Parses a whole file; the first mistake (or all of them, combined) is thrown. */
export function parse(text: string, file: string): SyntaxTree {
  const { tree, errors } = parseRecovering(text, file);
  if (errors.length) throw combineErrors(errors);
  return tree;
}

class Parser {
  private i = 0;
  private defDepth = 0;
  /** How many nesting levels enclose the current token. */
  private nesting = 0;
  /** One per top-level statement that failed to parse. */
  readonly errors: RaspError[] = [];
  /** One per REPL command skipped. */
  readonly notes: RaspError[] = [];

  constructor(
    private readonly toks: readonly Token[],
    private readonly file: string,
  ) {}

  // -------------------------------------------------------------------------------------------
  // Token helpers
  // -------------------------------------------------------------------------------------------

  private peek(ahead = 0): Token {
    return this.toks[Math.min(this.i + ahead, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private is(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return (t.kind === 'op' || t.kind === 'keyword') && t.text === text;
  }
  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.i++;
    return true;
  }
  /** A mistake at `t`; at a `bad` token, the lexer's mistake (no rule reads one, so a statement holding one fails at it). */
  private fail(t: Token, msg: string): never {
    throw new RaspError(t.kind === 'bad' ? t.text : msg, { file: this.file, line: t.line, col: t.col });
  }
  private expect(text: string, context: string): Token {
    const t = this.peek();
    if (!this.is(text)) this.fail(t, `expected '${text}' ${context}, found ${tokenDescription(t)}`);
    return this.next();
  }
  private expectName(context: string): string {
    const t = this.peek();
    if (t.kind !== 'name') {
      const why = t.kind === 'keyword' ? ` ('${t.text}' is a reserved word)` : '';
      this.fail(t, `expected a name ${context}, found ${tokenDescription(t)}${why}`);
    }
    return this.next().text;
  }
  private pos(t: Token = this.peek()): Pos {
    return { line: t.line, col: t.col };
  }

  /** Parses `f` one nesting level deeper than the current one; `t` opens the level. */
  private nested<T>(t: Token, f: () => T): T {
    this.enter(t);
    try {
      return f();
    } finally {
      this.nesting--;
    }
  }
  private enter(t: Token): void {
    if (++this.nesting > MAX_NESTING)
      this.fail(t, `nested too deeply: more than ${MAX_NESTING} levels of parentheses, brackets, calls, operators or blocks (the limit)`);
  }

  // -------------------------------------------------------------------------------------------
  // Statements
  // -------------------------------------------------------------------------------------------

  program(): SyntaxTree {
    const statements: Stmt[] = [];
    while (this.peek().kind !== 'eof') {
      const start = this.i;
      if (this.skipReplCommand()) continue;
      try {
        statements.push(this.statement());
      } catch (e) {
        if (!(e instanceof RaspError)) throw e;
        this.errors.push(e);
        this.nesting = 0;
        this.defDepth = 0;
        this.skipStatement(start);
      }
    }
    return { file: this.file, statements };
  }

  /**
   * Skips the statement that starts at token `start`: to the `;` that ends it, or for a def or for
   * loop to the `}` that closes its block (a `;` inside the braces ends an inner statement); a stray
   * `}` alone; or to the end of a line an unterminated string took.
   */
  private skipStatement(start: number): void {
    this.i = start;
    const block = this.is('def') || this.is('for');
    let braces = 0;
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof' || (t.kind === 'op' && t.text === ';' && braces <= 0)) return;
      // The `;` that ended this line's statement went into an unterminated string: resume on the next line.
      if (t.kind === 'bad' && t.restOfLine && braces <= 0) return;
      if (t.kind !== 'op') continue;
      if (t.text === '{') braces++;
      else if (t.text === '}' && --braces <= 0 && (block || braces < 0)) return;
    }
  }

  /** Skips a REPL command that starts here (see SKIPPED_REPL_COMMANDS), with a note; false if none does. */
  private skipReplCommand(): boolean {
    const t = this.peek();
    if (!(t.kind === 'name' && SKIPPED_REPL_COMMANDS.has(t.text) && !this.is('=', 1) && !this.is(',', 1))) return false;
    // `draw(…)` and `draw (…)` are calls; a def's local named like a command is not at the top level.
    if (t.text === 'draw' ? !this.is('(', 1) : this.is('(', 1) || this.is('[', 1)) return false;
    this.notes.push(new RaspError(`'${t.text}' is a REPL command, not supported in files; skipped`, { file: this.file, line: t.line, col: t.col }));
    if (t.text === 'draw') this.skipStatement(this.i);
    else while (this.peek().kind !== 'eof' && this.peek().line === t.line) this.next();
    return true;
  }

  private statement(): Stmt {
    const t = this.peek();
    if (this.is(';')) this.fail(t, "a stray ';': RASP has no empty statement");
    if (t.kind === 'name' && REPL_COMMANDS.has(t.text) && !this.is('=', 1) && !this.is(',', 1))
      this.fail(t, `'${t.text}' is a REPL command, not supported in files`);
    if (this.is('def')) return this.def();
    if (this.is('for')) return this.forLoop();
    if (this.is('load')) {
      this.next();
      const p = this.peek();
      if (p.kind !== 'string') this.fail(p, `expected a file name in quotes after 'load', found ${tokenDescription(p)}`);
      this.next();
      this.endStatement('after load');
      return { kind: 'load', path: p.text, pos: this.pos(t) };
    }
    if (this.is('return')) {
      if (this.defDepth === 0) this.fail(t, "'return' outside a def");
      this.next();
      const values = this.exprList();
      this.endStatement('after return');
      return { kind: 'return', values, pos: this.pos(t) };
    }
    if (this.isAssignment()) {
      const targets = [this.expectName('to assign')];
      while (this.accept(',')) targets.push(this.expectName('to assign'));
      this.expect('=', 'in assignment');
      const values = this.exprList();
      this.endStatement('after the assignment');
      return { kind: 'assign', targets, values, pos: this.pos(t) };
    }
    const expr = this.expr();
    if (this.is('=')) this.fail(this.peek(), 'can only assign to names');
    this.endStatement('after the expression');
    return { kind: 'expr', expr, pos: this.pos(t) };
  }

  /** NAME (, NAME)* = : an assignment, told apart from an expression statement by lookahead. */
  private isAssignment(): boolean {
    let k = 0;
    for (;;) {
      if (this.peek(k).kind !== 'name') return false;
      if (this.is('=', k + 1)) return true;
      if (!this.is(',', k + 1)) return false;
      k += 2;
    }
  }

  private endStatement(context: string): void {
    const t = this.peek();
    if (!this.accept(';')) this.fail(t, `expected ';' ${context}, found ${tokenDescription(t)}`);
  }

  private def(): Stmt {
    const start = this.next();
    const name = this.expectName("after 'def'");
    this.expect('(', `after the name of def '${name}'`);
    const params: string[] = [];
    if (!this.is(')')) {
      do {
        const p = this.peek();
        const n = this.expectName(`as a parameter of '${name}'`);
        if (params.includes(n)) this.fail(p, `parameter '${n}' appears twice in def '${name}'`);
        params.push(n);
      } while (this.accept(','));
    }
    this.expect(')', `to close the parameters of '${name}'`);
    const body = this.block(`the body of def '${name}'`, true);
    return { kind: 'def', name, params, body, pos: this.pos(start) };
  }

  private forLoop(): Stmt {
    const start = this.next();
    const vars = [this.expectName("after 'for'")];
    while (this.accept(',')) vars.push(this.expectName("in the 'for' variables"));
    this.expect('in', "after the 'for' variables");
    const iterable = this.expr();
    const body = this.block("the body of the 'for' loop", false);
    return { kind: 'for', vars, iterable, body, pos: this.pos(start) };
  }

  private block(what: string, isDef: boolean): Stmt[] {
    return this.nested(this.peek(), () => this.blockBody(what, isDef));
  }

  private blockBody(what: string, isDef: boolean): Stmt[] {
    this.expect('{', `to open ${what}`);
    if (isDef) this.defDepth++;
    const body: Stmt[] = [];
    while (!this.is('}')) {
      const t = this.peek();
      if (t.kind === 'eof') this.fail(t, `expected '}' to close ${what}, found end of file`);
      body.push(this.statement());
    }
    if (isDef) this.defDepth--;
    this.next();
    return body;
  }

  // -------------------------------------------------------------------------------------------
  // Expressions
  // -------------------------------------------------------------------------------------------

  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.accept(',')) out.push(this.expr());
    return out;
  }

  /** Level 1: `in`, the loosest (RASP.g4 lists it after every other operator). */
  expr(): Expr {
    let left = this.conditional();
    for (;;) {
      if (this.is('in')) {
        this.next();
        left = { kind: 'binary', op: 'in', left, right: this.conditional(), pos: left.pos };
      } else if (this.is('not') && this.is('in', 1)) {
        this.next();
        this.next();
        const inner: Expr = { kind: 'binary', op: 'in', left, right: this.conditional(), pos: left.pos };
        left = { kind: 'unary', op: 'not', arg: inner, pos: left.pos };
      } else return left;
    }
  }

  /**
   * Level 2: `x if c else y`, left-associative; the condition is any expression. Each chained
   * `if` nests the conditional before it (later passes recurse into it), so it counts as a level.
   */
  private conditional(): Expr {
    const outer = this.nesting;
    try {
      let then = this.logic();
      for (;;) {
        const start = this.peek();
        if (!this.accept('if')) return then;
        this.enter(start);
        const test = this.expr();
        this.expect('else', "in 'x if condition else y'");
        then = { kind: 'cond', then, test, else: this.logic(), pos: then.pos };
      }
    } finally {
      this.nesting = outer;
    }
  }

  private binaryLevel(ops: readonly string[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (!((t.kind === 'op' || t.kind === 'keyword') && ops.includes(t.text))) return left;
      // `not in` belongs to level 1; a bare comparison operator as an argument (select's third) never reaches here.
      this.next();
      const right = operand();
      left = { kind: 'binary', op: t.text as BinaryOp, left, right, pos: left.pos };
    }
  }

  /** Level 3: `and` and `or`, one level. */
  private logic(): Expr {
    return this.binaryLevel(['and', 'or'], () => this.comparison());
  }
  private comparison(): Expr {
    return this.binaryLevel([...COMPARISON_OPS], () => this.sum());
  }
  private sum(): Expr {
    return this.binaryLevel(['+', '-'], () => this.modulo());
  }
  private modulo(): Expr {
    return this.binaryLevel(['%'], () => this.product());
  }
  private product(): Expr {
    return this.binaryLevel(['*', '/'], () => this.power());
  }
  private power(): Expr {
    return this.binaryLevel(['^'], () => this.prefix());
  }
  /** Level 9: `not`, `-`, `+` bind tighter than every binary operator. */
  private prefix(): Expr {
    const t = this.peek();
    if (this.is('not') || this.is('-') || this.is('+')) {
      this.next();
      return { kind: 'unary', op: t.text as 'not' | '-' | '+', arg: this.nested(t, () => this.prefix()), pos: this.pos(t) };
    }
    return this.postfix();
  }
  /** Each call or index applied is a level: `f(a)(b)` and `x[0][1]` nest their callee and target. */
  private postfix(): Expr {
    const outer = this.nesting;
    try {
      return this.postfixChain();
    } finally {
      this.nesting = outer;
    }
  }

  private postfixChain(): Expr {
    let e = this.atom();
    for (;;) {
      const t = this.peek();
      if (this.is('(') || this.is('[')) this.enter(t);
      if (this.accept('(')) {
        const args: Expr[] = [];
        if (!this.is(')')) {
          do args.push(this.argument());
          while (this.accept(','));
        }
        this.expect(')', 'to close the argument list');
        e = { kind: 'call', callee: e, args, pos: e.pos };
      } else if (this.accept('[')) {
        const index = this.expr();
        this.expect(']', 'to close the index');
        e = { kind: 'index', target: e, index, pos: e.pos };
      } else return e;
    }
  }

  /** A call argument: an expression, or a bare comparison operator (select's third argument). */
  private argument(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && COMPARISON_OPS.has(t.text) && (this.is(',', 1) || this.is(')', 1))) {
      this.next();
      return { kind: 'operator', op: t.text as Comparison, pos: this.pos(t) };
    }
    return this.expr();
  }

  private atom(): Expr {
    const t = this.peek();
    const pos = this.pos(t);
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text), float: /[.eE]/.test(t.text), pos };
      case 'string':
        this.next();
        return { kind: 'string', value: t.text, pos };
      case 'name':
        this.next();
        return { kind: 'name', name: t.text, pos };
      case 'keyword':
        if (t.text === 'True' || t.text === 'False') {
          this.next();
          return { kind: 'bool', value: t.text === 'True', pos };
        }
        break;
      case 'op':
        if (t.text === '(') {
          this.next();
          const inner = this.nested(t, () => this.expr());
          this.expect(')', 'to close the parenthesis');
          return inner;
        }
        if (t.text === '[') return this.list();
        if (t.text === '{') return this.nested(t, () => this.dictBody());
        break;
      case 'eof':
        break;
    }
    return this.fail(t, `expected an expression, found ${tokenDescription(t)}`);
  }

  private list(): Expr {
    return this.nested(this.peek(), () => this.listBody());
  }

  private listBody(): Expr {
    const start = this.next();
    const pos = this.pos(start);
    if (this.accept(']')) return { kind: 'list', items: [], pos };
    const first = this.expr();
    if (this.accept('for')) {
      const vars = [this.expectName("after 'for'")];
      while (this.accept(',')) vars.push(this.expectName("in the 'for' variables"));
      this.expect('in', "after the 'for' variables");
      // RASP.g4's iterable is any expression, a conditional included (`[x for x in a if c else b]`); an `if`
      // with no `else` is our filter (an extension: the grammar has none).
      let iterable = this.logic();
      let filter: Expr | undefined;
      while (!filter && this.accept('if')) {
        const test = this.expr();
        if (this.accept('else')) iterable = { kind: 'cond', then: iterable, test, else: this.logic(), pos: iterable.pos };
        else filter = test;
      }
      this.expect(']', 'to close the list comprehension');
      return { kind: 'listComp', body: first, vars, iterable, filter, pos };
    }
    const items = [first];
    while (this.accept(',')) {
      if (this.is(']')) break;
      items.push(this.expr());
    }
    this.expect(']', 'to close the list');
    return { kind: 'list', items, pos };
  }

  /** `{k: v, …}` or `{k: v for names in iterable}` (RASP.g4's aDict and dictCompExpr). */
  private dictBody(): Expr {
    const start = this.next();
    const pos = this.pos(start);
    if (this.accept('}')) return { kind: 'dict', entries: [], pos };
    const key = this.expr();
    this.expect(':', 'after a dictionary key');
    const value = this.expr();
    if (this.accept('for')) {
      const vars = [this.expectName("after 'for'")];
      while (this.accept(',')) vars.push(this.expectName("in the 'for' variables"));
      this.expect('in', "after the 'for' variables");
      const iterable = this.conditional();
      this.expect('}', 'to close the dictionary comprehension');
      return { kind: 'dictComp', key, value, vars, iterable, pos };
    }
    const entries = [{ key, value }];
    while (this.accept(',')) {
      const k = this.expr();
      this.expect(':', 'after a dictionary key');
      entries.push({ key: k, value: this.expr() });
    }
    this.expect('}', 'to close the dictionary');
    return { kind: 'dict', entries, pos };
  }
}
