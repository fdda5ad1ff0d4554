/**
 * Splits `.rasp` text into tokens. `#` comments run to the end of the line and are dropped here
 * (header comments are read separately, see header.ts). Every token remembers its line and column
 * so the parser and elaborator can name where a mistake is.
 */
import { RaspError } from './errors.ts';

export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text (for strings: the decoded contents; for numbers: the digits). */
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set(['def', 'return', 'if', 'else', 'and', 'or', 'not', 'in', 'for', 'load', 'True', 'False']);

// Longest first, so `==` is not read as `=` `=`.
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '^', '(', ')', '[', ']', '{', '}', ',', ';', ':'];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };

/** Tokenises `text`; `file` is used in error locations. */
export function tokenize(text: string, file: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const fail = (msg: string, l = line, c = col()): never => {
    throw new RaspError(msg, { file, line: l, col: c });
  };

  while (i < text.length) {
    const ch = text[i];
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const startCol = col();
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      if (/[A-Za-z_]/.test(text[i + m[0].length] ?? '')) fail(`malformed number '${m[0]}${text[i + m[0].length]}'`, line, startCol);
      out.push({ kind: 'number', text: m[0], line, col: startCol });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(text.slice(i))!;
      out.push({ kind: KEYWORDS.has(m[0]) ? 'keyword' : 'name', text: m[0], line, col: startCol });
      i += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      for (;;) {
        const c = text[j];
        if (c === undefined || c === '\n') fail(`unterminated string (no closing ${ch} on this line)`, line, startCol);
        if (c === ch) break;
        if (c === '\\') {
          const e = text[j + 1];
          if (e !== undefined && e in ESCAPES) {
            value += ESCAPES[e];
            j += 2;
            continue;
          }
        }
        value += c;
        j++;
      }
      out.push({ kind: 'string', text: value, line, col: startCol });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', text: op, line, col: startCol });
      i += op.length;
      continue;
    }
    fail(`unexpected character '${ch}'`);
  }
  out.push({ kind: 'eof', text: '', line, col: col() });
  return out;
}

/** How a token reads in an error message ("'foo'", "end of file"). */
export function tokenDescription(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of file';
    case 'string':
      return `string ${JSON.stringify(t.text)}`;
    case 'number':
      return `number ${t.text}`;
    default:
      return `'${t.text}'`;
  }
}
