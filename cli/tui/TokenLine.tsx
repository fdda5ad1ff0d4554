/**
 * One labelled row of tokens ("input", "program", a model's output), in columns shared by every
 * row so positions line up; tokens that differ from the program's output are marked.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { formatValue, valuesEqual, type MaybeValue } from '../../src/rasp/values.ts';
import { fit } from './text.ts';

export const LABEL_WIDTH = 8;

/** Per position, the widest token of any of the rows. */
export function columnWidths(rows: readonly (readonly MaybeValue[] | undefined)[]): number[] {
  const w: number[] = [];
  for (const r of rows) r?.forEach((v, i) => (w[i] = Math.max(w[i] ?? 1, formatValue(v).length)));
  return w;
}

/** `widths` widened where `values` has a longer token. */
export const widen = (widths: readonly number[], values: readonly MaybeValue[]): number[] =>
  values.map((v, i) => Math.max(widths[i] ?? 1, formatValue(v).length));

/** Positions where `got` differs from `want` (positions the program leaves undefined do not count). */
export function wrongPositions(got: readonly MaybeValue[], want: readonly MaybeValue[]): number[] {
  return got.flatMap((v, i) => (want[i] !== null && want[i] !== undefined && !valuesEqual(v, want[i]) ? [i] : []));
}

export interface TokenLineProps {
  readonly label: string;
  readonly values?: readonly MaybeValue[];
  readonly widths: readonly number[];
  readonly width: number;
  /** Compared with this (the program's output), wrong tokens are shown in red and counted. */
  readonly expected?: readonly MaybeValue[];
  readonly dim?: boolean;
  /** Text after the tokens when there are none yet. */
  readonly placeholder?: string;
}

export function TokenLine({ label, values, widths, width, expected, dim, placeholder }: TokenLineProps) {
  const wrong = new Set(values && expected ? wrongPositions(values, expected) : []);
  const verdict = values && expected ? (wrong.size ? ` ✗ ${wrong.size} wrong` : ' ✓') : '';
  let used = LABEL_WIDTH;
  const cells: ReactNode[] = [];
  for (const [i, v] of (values ?? []).entries()) {
    const text = formatValue(v).padStart(widths[i] ?? 1);
    if (used + text.length + 1 > width - verdict.length) {
      cells.push(
        <Text key="more" dimColor>
          …
        </Text>,
      );
      break;
    }
    used += text.length + 1;
    cells.push(
      <Text key={i} color={wrong.has(i) ? 'red' : undefined} bold={wrong.has(i)} inverse={wrong.has(i)} dimColor={dim}>
        {text}
      </Text>,
      <Text key={`s${i}`}> </Text>,
    );
  }
  return (
    <Box width={width} height={1} overflow="hidden">
      <Text bold>{fit(label, LABEL_WIDTH - 1).padEnd(LABEL_WIDTH)}</Text>
      {cells}
      {!values && placeholder ? <Text dimColor>{fit(placeholder, width - LABEL_WIDTH)}</Text> : null}
      <Text color={wrong.size ? 'red' : 'green'} dimColor={dim}>
        {verdict}
      </Text>
    </Box>
  );
}
