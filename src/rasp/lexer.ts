/**
 * Splits `.rasp` text into tokens. `#` comments run to the end of the line and are dropped here
 * (header comments are read separately, see header.ts). Every token remembers its line and column
 * so the parser and elaborator can name where a mistake is. A mistake in the characters (an
 * unknown character, an unterminated string, a malformed number) becomes a `bad` token holding its
 * message, and reading goes on after it, so the parser reports it as the mistake of its statement
 * and recovers at the next one, as it does for every other mistake.
 */
export type TokenKind = 'number' | 'string' | 'name' | 'keyword' | 'op' | 'bad' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text (for strings: the decoded contents; for numbers: the digits; for `bad`: the mistake). */
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** On a `bad` token: the mistake took the rest of its line (an unterminated string), so recovery resumes on the next line. */
  readonly restOfLine?: boolean;
}

export const KEYWORDS: ReadonlySet<string> = new Set(['def', 'return', 'if', 'else', 'and', 'or', 'not', 'in', 'for', 'load', 'True', 'False']);

// Longest first, so `==` is not read as `=` `=`.
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '^', '(', ')', '[', ']', '{', '}', ',', ';', ':'];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };

/** Tokenises `text`; each mistake is a `bad` token where it starts. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const bad = (msg: string, c = col(), restOfLine = false): void =>
    void out.push({ kind: 'bad', text: msg, line, col: c, ...(restOfLine ? { restOfLine } : {}) });

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
      if (/[A-Za-z_]/.test(text[i + m[0].length] ?? '')) {
        bad(`malformed number '${m[0]}${text[i + m[0].length]}'`, startCol);
        i += /^[A-Za-z_0-9.]*/.exec(text.slice(i))![0].length;
        continue;
      }
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
      let closed = true;
      for (;;) {
        const c = text[j];
        if (c === undefined || c === '\n') {
          closed = false;
          break;
        }
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
      if (!closed) {
        // The rest of the line is the string's: reading goes on at the next line.
        bad(`unterminated string (no closing ${ch} on this line)`, startCol, true);
        i = j;
        continue;
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
    bad(`unexpected character '${ch}'`);
    i++;
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
