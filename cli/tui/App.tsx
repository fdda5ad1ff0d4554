/**
 * The terminal UI: a title, the current input with the program's output, one pane per model, a
 * status line and the help line. Keys go through keys.ts to the pure reducer in state.ts; the
 * panes run their own computations through the engine.
 */
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useMemo, useReducer, useState } from 'react';
import type { Program } from '../../src/rasp/program.ts';
import { formatValue } from '../../src/rasp/values.ts';
import { labelInput } from '../../src/rasp/examples.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { ProbeTask } from '../../probes/probeSet.ts';
import { makeContext } from './context.ts';
import type { CircuitMarks } from './circuit.ts';
import type { Engine } from './engine.ts';
import { matchLabels, relabel } from './headMatches.ts';
import { HelpLine, HelpScreen } from './HelpScreen.tsx';
import { labelWidth } from './heatmap.ts';
import { reduceKeys } from './keys.ts';
import { FRAME_ROWS, heatmapWidth, layout, minimumSize, type ScreenSize } from './layout.ts';
import { ModelPane } from './ModelPane.tsx';
import { initialState, type TuiState } from './state.ts';
import { TooSmall } from './TooSmall.tsx';
import { fit, fitParts } from './text.ts';
import { columnWidths, LABEL_WIDTH, TokenLine } from './TokenLine.tsx';
import { useComputation } from './useComputation.ts';

export interface TuiModel {
  /** How the UI names it (the file's base name). */
  readonly name: string;
  readonly data: ModelData;
}

export interface AppProps {
  readonly models: readonly TuiModel[];
  readonly engine: Engine;
  readonly program: Program;
  /** Vocabulary and lengths of the inputs (shared by every model). */
  readonly task: ProbeTask;
  readonly seed: number;
  readonly backend?: string;
  /** Shown on the status line at start: with --vs, what the shared task leaves out of each model's own. */
  readonly note?: string | null;
  /** Per model, its discovered circuit (cli/tui/circuit.ts); absent or null: none. */
  readonly circuits?: readonly (CircuitMarks | null)[];
  /** A fixed screen size (tests); by default the terminal's, following resizes. */
  readonly size?: ScreenSize;
}

interface KeyEvent {
  readonly input: string;
  readonly key: Key;
}

function useScreenSize(fixed?: ScreenSize): ScreenSize {
  const { stdout } = useStdout();
  const read = () => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, fixed]);
  return fixed ?? size;
}

export function App({ models, engine, program, task, seed, backend, note, circuits, size: fixedSize }: AppProps) {
  const { exit } = useApp();
  const size = useScreenSize(fixedSize);
  const ctx = useMemo(
    () =>
      makeContext(
        models.map((m) => m.data),
        program,
        task,
        seed,
        circuits,
      ),
    [models, program, task, seed, circuits],
  );
  // Keys go to the reducer as they are, so each is read against the latest state (no stale closure).
  const [state, dispatch] = useReducer(
    (s: TuiState, e: KeyEvent) => reduceKeys(s, e.input, e.key, ctx),
    ctx,
    (c) => ({
      ...initialState(c),
      note: note ?? '',
    }),
  );

  useInput((input, key) => dispatch({ input, key }));
  useEffect(() => {
    if (state.quit) exit();
  }, [state.quit, exit]);

  const expected = useMemo(() => labelInput(program, [...state.input]), [program, state.input]);
  const categorical = models.flatMap((m) => (m.data.config.output.encoding === 'categorical' ? m.data.config.output.values : []));
  const outWidth = Math.max(1, ...categorical.map((v) => formatValue(v).length));
  const widths = columnWidths([state.input, expected ?? undefined]).map((w) => Math.max(w, outWidth));

  const corner = Math.max(...models.map((m) => m.data.config.layers.reduce((n, L, l) => (L.nHeads ? Math.max(n, `${l}.${L.nHeads - 1}`.length) : n), 0)));
  const heatWidth = heatmapWidth(task.maxLen + 1, labelWidth(['BOS', ...task.vocab.map(formatValue)], 'x'.repeat(corner)));
  const matched = useComputation(
    'head matches',
    (sig) => engine.headMatches(sig),
    () => engine.cachedHeadMatches(),
  );
  const known = useMemo(
    () =>
      matchLabels(
        models.map((m) => m.data),
        matched.value,
      ),
    [models, matched.value],
  );
  const rows = state.sides.map((side, i) => relabel(ctx.rows(i, new Set(side.open)), known[i]));
  const W = size.columns;
  const vs = models.length > 1;
  const need = minimumSize(models.length, heatWidth);
  if (size.columns < need.columns || size.rows < need.rows) return <TooSmall need={need} size={size} models={models.length} />;
  const lay = layout(size, models.length, heatWidth, state.input.length + 2);

  const title = [
    'rasplab tui',
    `program ${program.name}`,
    `mode ${state.mode}`,
    `${engine.set.inputs.length} probe inputs${engine.set.exhaustive ? ' (all)' : ` (seed ${seed})`}`,
    ...(backend ? [backend] : []),
  ];
  const status = state.editor?.error ?? state.note;
  const bodyRows = size.rows - 1 - FRAME_ROWS;

  return (
    <Box flexDirection="column" width={W}>
      <Text bold wrap="truncate-end">
        {fitParts(title, ' · ', W)}
      </Text>
      {state.editor ? (
        <Box>
          <Text bold color="cyan">
            {'input>'.padEnd(LABEL_WIDTH)}
          </Text>
          <Text>{fit(state.editor.text, W - LABEL_WIDTH - 1)}</Text>
          <Text inverse> </Text>
        </Box>
      ) : (
        <TokenLine label="input" values={state.input} widths={widths} width={W} />
      )}
      <TokenLine label="program" values={expected ?? undefined} widths={widths} width={W} placeholder="(refuses this input)" />
      {state.help ? (
        <HelpScreen width={W} height={bodyRows} />
      ) : (
        <Box>
          {models.map((m, i) => (
            <Box key={i} marginLeft={i ? 1 : 0}>
              <ModelPane
                index={i}
                name={m.name}
                model={m.data}
                engine={engine}
                side={state.sides[i]}
                rows={rows[i]}
                known={known[i]}
                focused={state.focus === i}
                several={vs}
                mode={state.mode}
                input={state.input}
                expected={expected}
                widths={widths}
                layout={lay}
                circuit={circuits?.[i]}
              />
            </Box>
          ))}
        </Box>
      )}
      <Text color={state.editor?.error ? 'red' : undefined} dimColor={!state.editor?.error} wrap="truncate-end">
        {fit(status || ' ', W)}
      </Text>
      <HelpLine width={W} vs={vs} editing={state.editor !== null} />
    </Box>
  );
}
