/** The selected head's attention on the current input: query rows × key columns, BOS included. */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { headerLine, heatCell, labelWidth } from './heatmap.ts';
import { fit } from './text.ts';

export interface HeatmapProps {
  /** [query][key] weights; undefined while there is nothing to show. */
  readonly pattern?: readonly (readonly number[])[];
  /** Token labels of positions 0..n ("BOS" first). */
  readonly labels: readonly string[];
  /** The head's name, written in the corner. */
  readonly corner: string;
  /** A title line above the map (omitted when absent). */
  readonly title?: string;
  readonly width: number;
  /** Rows available, title and header included. */
  readonly rows: number;
  /** Why there is no map (a model without attention). */
  readonly empty?: string;
}

export function Heatmap({ pattern, labels, corner, title, width, rows, empty }: HeatmapProps) {
  if (rows <= 0) return null;
  const lw = labelWidth(labels, corner);
  const lines: ReactNode[] = [];
  if (title !== undefined)
    lines.push(
      <Text key="title" dimColor wrap="truncate-end">
        {fit(title, width)}
      </Text>,
    );
  if (empty || !pattern) {
    lines.push(
      <Text key="empty" dimColor>
        {fit(empty ?? 'attention: computing…', width)}
      </Text>,
    );
  } else {
    lines.push(
      <Text key="head" bold>
        {fit(headerLine(labels, corner, lw), width)}
      </Text>,
    );
    pattern.forEach((row, q) =>
      lines.push(
        <Box key={q}>
          <Text bold>{fit(labels[q] ?? '', lw - 1).padStart(lw - 1)} </Text>
          {row.map((w, k) => {
            const c = heatCell(w);
            return (
              <Text key={k} backgroundColor={c.bg} color={c.fg}>
                {c.text}
              </Text>
            );
          })}
        </Box>,
      ),
    );
  }
  return (
    <Box flexDirection="column" width={width} height={Math.min(rows, lines.length)} overflow="hidden">
      {lines.slice(0, rows)}
    </Box>
  );
}
