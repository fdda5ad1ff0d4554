/**
 * Short names for building element-wise functions in tests: `bin('+', x, k(1))` is λx. x + 1, with
 * x and y the map's first and second argument.
 */
import { expr } from '../../src/rasp/builder.ts';

export const x = expr.param(0);
export const y = expr.param(1);
export const k = expr.const;
export const bin = expr.binary;
export const un = expr.unary;
