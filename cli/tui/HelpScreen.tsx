/** Every key and what it does (toggled with ?), and the one-line help at the bottom. */
import { Box, Text } from 'ink';
import { helpLine, KEYS } from './keys.ts';
import { fit } from './text.ts';

export function HelpScreen({ width, height }: { width: number; height: number }) {
  const kw = Math.max(...KEYS.map((k) => k.keys.length)) + 2;
  const lines = [
    <Text key="t" bold>
      keys
    </Text>,
    ...KEYS.map((k) => (
      <Box key={k.keys}>
        <Text color="cyan">{k.keys.padEnd(kw)}</Text>
        <Text wrap="truncate-end">{fit(k.does, width - kw)}</Text>
      </Box>
    )),
    <Text key="gap"> </Text>,
    <Text key="n1" dimColor wrap="truncate-end">
      {fit('Accuracy on the fixed probe set; exact: every position right; (…): unablated.', width)}
    </Text>,
    <Text key="n2" dimColor wrap="truncate-end">
      {fit('✗ marks an ablated component. Heatmap: query rows × key columns, in percent.', width)}
    </Text>,
  ];
  return (
    <Box flexDirection="column" width={width} height={Math.min(height, lines.length)} overflow="hidden">
      {lines.slice(0, height)}
    </Box>
  );
}

export function HelpLine({ width, vs, editing }: { width: number; vs: boolean; editing: boolean }) {
  const h = helpLine(width, { vs, editing });
  return (
    <Box width={width} height={1} overflow="hidden">
      {h.items.map((i, n) => (
        <Text key={i.key}>
          {n ? ' '.repeat(h.gap) : ''}
          <Text color="cyan">{i.key}</Text>
          <Text dimColor> {i.word}</Text>
        </Text>
      ))}
    </Box>
  );
}
