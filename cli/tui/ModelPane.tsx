/**
 * One model's pane: its name, accuracy under its ablations, its output on the current input, the
 * tree, and the attention of the head last selected. It runs its own computations, so with --vs
 * the two models recompute independently.
 */
import { Box, Text } from 'ink';
import { componentKey, formatComponent } from '../../src/model/components.ts';
import { formatValue, type MaybeValue, type Value } from '../../src/rasp/values.ts';
import type { ModelData } from '../../src/model/types.ts';
import type { AblationMode } from '../../probes/ablation.ts';
import { AccuracyPanel } from './AccuracyPanel.tsx';
import { specKey, type Engine } from './engine.ts';
import { Heatmap } from './Heatmap.tsx';
import { heatTitle } from './heatmap.ts';
import type { Layout } from './layout.ts';
import { ModelTree } from './ModelTree.tsx';
import type { SideState } from './state.ts';
import type { CircuitMarks } from './circuit.ts';
import { fit } from './text.ts';
import { TokenLine, widen } from './TokenLine.tsx';
import { headLabel, type TreeRow } from './tree.ts';
import { useComputation } from './useComputation.ts';

export interface ModelPaneProps {
  readonly index: number;
  readonly name: string;
  readonly model: ModelData;
  readonly engine: Engine;
  readonly side: SideState;
  readonly rows: readonly TreeRow[];
  /** Head labels the session knows beyond the model's own (its heads' compiled matches). */
  readonly known: ReadonlyMap<string, string>;
  readonly focused: boolean;
  /** Whether there are several panes (then the focused one is marked). */
  readonly several: boolean;
  readonly mode: AblationMode;
  readonly input: readonly Value[];
  readonly expected: readonly MaybeValue[] | null;
  /** Column widths shared with the input and program lines. */
  readonly widths: readonly number[];
  readonly layout: Layout;
  /** The discovered circuit's marks (null: none). */
  readonly circuit?: CircuitMarks | null;
}

const sameInput = (a: readonly Value[], b: readonly Value[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export function ModelPane(p: ModelPaneProps) {
  const { index, engine, side, layout: lay, input } = p;
  const spec = { ablated: side.ablated, mode: p.mode };
  const sk = specKey(spec);
  const acc = useComputation(
    `acc|${sk}`,
    (sig) => engine.accuracy(index, spec, sig),
    () => engine.cachedAccuracy(index, spec),
  );
  const view = useComputation(
    `view|${JSON.stringify(input)}|${sk}`,
    (sig) => engine.inputView(index, input, spec, sig),
    () => engine.cachedInputView(index, input, spec),
  );
  const current = view.value && sameInput(view.value.input, input) ? view.value : undefined;
  const w = lay.paneWidth;

  const marker = p.several ? (p.focused ? '▶ ' : '  ') : '';
  const n = side.ablated.length;
  const heading = `${marker}${p.name} (${p.model.config.origin})${n ? `  ✗ ${n}` : ''}`;

  const head = side.head;
  const headName = head ? formatComponent(head) : '';
  const pattern = head ? view.value?.heads.find((h) => h.layer === head.layer && h.head === head.head)?.pattern : undefined;
  const heatLabels = ['BOS', ...(view.value?.input ?? input).map(formatValue)];
  const heatWidth = lay.wide ? w - lay.treeWidth - 1 : w;
  const heat = (
    <Heatmap
      pattern={pattern}
      labels={heatLabels}
      corner={headName}
      title={lay.heatTitle && head ? heatTitle(headName, p.known.get(componentKey(head)) ?? headLabel(p.model, head.layer, head.head), heatWidth) : undefined}
      width={heatWidth}
      rows={lay.heatRows}
      empty={head ? undefined : 'this model has no attention heads'}
    />
  );
  const tree = (
    <ModelTree
      rows={p.rows}
      selected={componentKey(side.selected)}
      ablated={new Set(side.ablated.map(componentKey))}
      inCircuit={p.circuit?.marked}
      focused={p.focused}
      width={lay.treeWidth}
      height={lay.treeRows}
    />
  );
  return (
    <Box flexDirection="column" width={w}>
      <Text bold color={p.focused && p.several ? 'cyan' : undefined}>
        {fit(heading, w)}
      </Text>
      <AccuracyPanel view={acc.value} pending={acc.pending} ablating={side.ablated.length > 0} mode={p.mode} width={w} error={acc.error} />
      <TokenLine
        label="model"
        values={current?.output}
        widths={current ? widen(p.widths, current.output) : p.widths}
        width={w}
        expected={p.expected ?? undefined}
        placeholder={view.error ?? 'computing…'}
      />
      {lay.wide ? (
        <Box>
          {tree}
          <Box width={1} />
          {heat}
        </Box>
      ) : (
        <Box flexDirection="column">
          {tree}
          {heat}
        </Box>
      )}
    </Box>
  );
}
