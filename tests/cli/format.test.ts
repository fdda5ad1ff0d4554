import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { formatJson } from '../../cli/format/json.ts';
import { renderTrace, selectedKeys, traceJson } from '../../cli/format/trace.ts';
import { renderPairs, renderTable } from '../../cli/format/table.ts';

/** Reads "0-2 5" back into [0,1,2,5]. */
function parseKeys(text: string): number[] {
  if (text === '·') return [];
  return text.split(' ').flatMap((part) => {
    const m = /^(\d+)-(\d+)$/.exec(part);
    if (!m) return [Number(part)];
    const out: number[] = [];
    for (let k = Number(m[1]); k <= Number(m[2]); k++) out.push(k);
    return out;
  });
}

describe('selectedKeys', () => {
  test.prop([fc.array(fc.boolean(), { maxLength: 20 })])('lists exactly the selected key positions', (row) => {
    expect(parseKeys(selectedKeys(row))).toEqual(row.flatMap((on, k) => (on ? [k] : [])));
  });
  it('writes runs of three or more as ranges', () => {
    expect(selectedKeys([true, true, true, false, true, true])).toBe('0-2 4 5');
  });
});

describe('formatJson', () => {
  test.prop([fc.jsonValue()])('parses back to the same value', (v) => {
    expect(JSON.parse(formatJson(v))).toEqual(JSON.parse(JSON.stringify(v)));
  });
  it('keeps arrays of scalars on one line and maps become objects', () => {
    const text = formatJson({ output: ['d', null, 1, true], trace: new Map([['x', [1, 2]]]) });
    expect(text).toContain('"output": ["d",null,1,true]');
    expect(JSON.parse(text)).toEqual({ output: ['d', null, 1, true], trace: { x: [1, 2] } });
  });
  it('writes non-finite numbers as null (JSON has none)', () => {
    expect(JSON.parse(formatJson({ e: Number.NaN, f: Infinity }))).toEqual({ e: null, f: null });
  });
});

describe('tables', () => {
  it('renders every cell of a trace, selectors marked and shown as key lists', () => {
    const text = renderTrace(
      [
        { name: 'tokens', kind: 'sop', values: ['a', 'b', null] },
        {
          name: 'flip',
          kind: 'selector',
          values: [
            [false, false, true],
            [false, true, false],
            [false, false, false],
          ],
        },
      ],
      ['a', 'b', 'c'],
    );
    const lines = text.split('\n');
    const tokensLine = lines.find((l) => l.includes('tokens'))!;
    expect(
      tokensLine
        .split('│')
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual(['tokens', 'a', 'b', '-']);
    const flipLine = lines.find((l) => l.includes('flip (selector)'))!;
    expect(
      flipLine
        .split('│')
        .map((c) => c.trim())
        .filter(Boolean),
    ).toEqual(['flip (selector)', '2', '1', '·']);
  });
  it('starts with the input as a tokens row when the trace has none', () => {
    const text = renderTrace([{ name: 'x', kind: 'sop', values: [1, 2] }], ['p', 'q']);
    const names = text
      .split('\n')
      .map((l) => l.split('│')[1]?.trim())
      .filter((c) => c === 'tokens' || c === 'x');
    expect(names).toEqual(['tokens', 'x']);
    expect(text.split('\n').find((l) => l.includes('tokens'))).toMatch(/p.*q/);
  });
  it('traceJson maps names to values', () => {
    expect(traceJson([{ name: 'x', kind: 'sop', values: [1, null] }])).toEqual({ x: [1, null] });
  });

  it('traceJson keeps names that are also names of Object.prototype', () => {
    const trace = traceJson(['__proto__', 'constructor', 'toString'].map((name) => ({ name, kind: 'sop' as const, values: [1] })));
    expect(Object.getPrototypeOf(trace)).toBe(Object.prototype);
    expect(Object.entries(trace)).toEqual([
      ['__proto__', [1]],
      ['constructor', [1]],
      ['toString', [1]],
    ]);
    expect(formatJson(trace)).toContain('"__proto__": [1]');
  });
  it('renderTable has one line per row plus borders and header', () => {
    const text = renderTable({
      head: ['h1', 'h2'],
      rows: [
        ['a', 1],
        ['b', 2],
      ],
    });
    expect(text).toMatch(/h1.*h2/);
    expect(text).toMatch(/a.*1/);
    expect(text).toMatch(/b.*2/);
  });
  it('renderPairs pads keys to one width', () => {
    const lines = renderPairs([
      ['a', 1],
      ['long key', 'v'],
    ])
      .trimEnd()
      .split('\n');
    expect(lines[0].indexOf('1')).toBe(lines[1].indexOf('v'));
  });
});
