/**
 * What a terminal too small for the panes shows instead of them: one line saying what the UI
 * needs. Cut to fit, the panes would wrap inside their boxes and their numbers with them.
 */
import { Box, Text } from 'ink';
import type { ScreenSize } from './layout.ts';

export function tooSmallText(need: ScreenSize, size: ScreenSize, models: number): string {
  const narrow = size.columns < need.columns;
  const short = size.rows < need.rows;
  const wants = [narrow ? `${need.columns} columns${models > 1 ? ' for two models' : ''}` : '', short ? `${need.rows} rows` : ''].filter(Boolean);
  const has = narrow && short ? `${size.columns} × ${size.rows}` : narrow ? size.columns : size.rows;
  return `rasplab tui needs ${wants.join(' and ')}; this terminal has ${has} (q quits)`;
}

export function TooSmall({ need, size, models }: { need: ScreenSize; size: ScreenSize; models: number }) {
  // Wrapped at spaces, so no number is cut.
  return (
    <Box width={size.columns}>
      <Text>{tooSmallText(need, size, models)}</Text>
    </Box>
  );
}
