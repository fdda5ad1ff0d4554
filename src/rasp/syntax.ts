/**
 * The syntax tree of a `.rasp` file, as written (before elaboration into RASP nodes).
 * Every expression and statement carries the 1-based line and column where it starts.
 */
import type { Comparison } from './ast.ts';

export interface Pos {
  readonly line: number;
  readonly col: number;
}

export type UnaryOp = '-' | '+' | 'not';
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | Comparison | 'and' | 'or' | 'in';

export type Expr =
  /** `float`: written with a point or an exponent (`2.0`, `1e3`), so a Python float even when whole. */
  | { readonly kind: 'number'; readonly value: number; readonly float: boolean; readonly pos: Pos }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Pos }
  | { readonly kind: 'bool'; readonly value: boolean; readonly pos: Pos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: Pos }
  /** A bare comparison operator: only meaningful as select's third argument. */
  | { readonly kind: 'operator'; readonly op: Comparison; readonly pos: Pos }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Expr; readonly pos: Pos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: Pos }
  | { readonly kind: 'cond'; readonly then: Expr; readonly test: Expr; readonly else: Expr; readonly pos: Pos }
  | { readonly kind: 'call'; readonly callee: Expr; readonly args: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'index'; readonly target: Expr; readonly index: Expr; readonly pos: Pos }
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly pos: Pos }
  | {
      readonly kind: 'listComp';
      readonly body: Expr;
      readonly vars: readonly string[];
      readonly iterable: Expr;
      readonly filter?: Expr;
      readonly pos: Pos;
    }
  | { readonly kind: 'dict'; readonly entries: readonly { readonly key: Expr; readonly value: Expr }[]; readonly pos: Pos }
  | {
      readonly kind: 'dictComp';
      readonly key: Expr;
      readonly value: Expr;
      readonly vars: readonly string[];
      readonly iterable: Expr;
      readonly pos: Pos;
    };

export type Stmt =
  | { readonly kind: 'assign'; readonly targets: readonly string[]; readonly values: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly pos: Pos }
  | {
      readonly kind: 'def';
      readonly name: string;
      readonly params: readonly string[];
      readonly body: readonly Stmt[];
      readonly pos: Pos;
    }
  | { readonly kind: 'return'; readonly values: readonly Expr[]; readonly pos: Pos }
  | { readonly kind: 'load'; readonly path: string; readonly pos: Pos }
  | {
      readonly kind: 'for';
      readonly vars: readonly string[];
      readonly iterable: Expr;
      readonly body: readonly Stmt[];
      readonly pos: Pos;
    };

export interface SyntaxTree {
  readonly file: string;
  readonly statements: readonly Stmt[];
}
