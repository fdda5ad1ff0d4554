/**
 * How RASP's typed input built-ins read an input token. The input is the sequence as rasplab reads
 * it (numbers for a numeric vocabulary, else strings); each built-in converts every token as the
 * interpreter does with Python's constructors:
 *
 *   tokens_asis   the token as it is
 *   tokens_str    str(t): 3 → '3', True → 'True'    (`tokens` is tokens_str, as in the interpreter)
 *   tokens_int    int(t): '3' → 3, 3.7 → 3, True → 1, 'a' and '3.5' refused
 *   tokens_float  float(t): '3' → 3, '2.5' → 2.5, 'inf', 'nan'; 'a' refused
 *   tokens_bool   bool(t): a non-empty string is True ('0' too), a number is True unless 0
 */
import type { Value } from './values.ts';

export const TOKEN_CASTS = ['str', 'int', 'float', 'bool', 'asis'] as const;
export type TokenCast = (typeof TOKEN_CASTS)[number];

/** The built-in name of each cast. */
export function castName(cast: TokenCast): string {
  return `tokens_${cast}`;
}

/** Python's str() of a value as rasplab holds it (a whole number prints without `.0`). */
function pyStr(v: Value): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v);
  return v;
}

const PY_INT = /^\s*[+-]?(\d+(_\d+)*)\s*$/;
const PY_FLOAT = /^\s*[+-]?((\d+(_\d+)*)?\.?\d*(_\d+)*([eE][+-]?\d+)?)\s*$/;
const PY_SPECIAL = /^\s*([+-]?)(inf|infinity|nan)\s*$/i;

/** One token read by a cast, or why Python's constructor refuses it. */
export function castToken(cast: TokenCast, v: Value): { value: Value } | { error: string } {
  switch (cast) {
    case 'asis':
      return { value: v };
    case 'str':
      return { value: pyStr(v) };
    case 'bool':
      return { value: typeof v === 'string' ? v !== '' : typeof v === 'number' ? v !== 0 : v };
    case 'int': {
      if (typeof v === 'boolean') return { value: Number(v) };
      if (typeof v === 'number') return Number.isFinite(v) ? { value: Math.trunc(v) } : { error: `cannot convert ${pyStr(v)} to an integer` };
      if (PY_INT.test(v)) return { value: Number(v.trim().replace(/_/g, '')) };
      return { error: `invalid literal for int(): '${v}'` };
    }
    case 'float': {
      if (typeof v !== 'string') return { value: Number(v) };
      const special = PY_SPECIAL.exec(v);
      if (special) return { value: special[2].toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity };
      const t = v.trim().replace(/_/g, '');
      if (PY_FLOAT.test(v) && /^[+-]?(\d|\.\d)/.test(t) && !Number.isNaN(Number(t))) return { value: Number(t) };
      return { error: `could not convert string to float: '${v}'` };
    }
  }
}
