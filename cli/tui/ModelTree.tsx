/**
 * The model tree, scrolled so the selection stays in view: a cursor, an ablation mark, folds,
 * the component's name and what it implements. Arrows at the right edge say more rows are hidden.
 */
import { Box, Text } from 'ink';
import { viewportStart, type TreeRow } from './tree.ts';
import { fit } from './text.ts';

export interface ModelTreeProps {
  readonly rows: readonly TreeRow[];
  readonly selected: string;
  readonly ablated: ReadonlySet<string>;
  /** Component keys in the discovered circuit, marked ◆ (absent: none was discovered). */
  readonly inCircuit?: ReadonlySet<string>;
  readonly focused: boolean;
  readonly width: number;
  readonly height: number;
}

/** The row's text before its label, e.g. "  ▾ mlp0 ×118", "  ◆ head 1.0" when the discovered circuit holds it. */
function lead(row: TreeRow, circuit?: ReadonlySet<string>): string {
  const fold = row.foldable ? (row.open ? '▾' : '▸') : ' ';
  const mark = circuit?.has(row.id) ? '◆ ' : '';
  return `${'  '.repeat(row.depth)}${fold} ${mark}${row.name}`;
}

export function ModelTree({ rows, selected, ablated, inCircuit, focused, width, height }: ModelTreeProps) {
  const sel = Math.max(
    0,
    rows.findIndex((r) => r.id === selected),
  );
  const start = viewportStart(rows.length, sel, height);
  const shown = rows.slice(start, start + height);
  return (
    <Box flexDirection="column" width={width} height={Math.min(height, shown.length)} overflow="hidden">
      {shown.map((row, i) => {
        const isSel = row.id === selected;
        const off = ablated.has(row.id);
        const more = i === 0 && start > 0 ? '↑' : i === shown.length - 1 && start + height < rows.length ? '↓' : ' ';
        const head = lead(row, inCircuit);
        const room = width - 2 - head.length - 2 - 1;
        return (
          <Box key={row.id}>
            <Text color={focused ? 'cyan' : undefined}>{isSel ? '›' : ' '}</Text>
            <Text color="red" bold>
              {off ? '✗' : ' '}
            </Text>
            <Text inverse={isSel && focused} bold={isSel} strikethrough={off}>
              {head}
            </Text>
            <Text dimColor>{room > 0 ? `  ${fit(row.label, room)}`.padEnd(room + 2) : ''.padEnd(Math.max(0, room + 2))}</Text>
            <Text dimColor>{more}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
