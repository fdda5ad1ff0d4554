/**
 * Accuracy on the fixed probe set under the current ablations: exact match and token accuracy
 * (with the unablated figure beside them when something is ablated, and what the mode cannot see),
 * then accuracy per position.
 */
import { Box, Text } from 'ink';
import type { AblationMode } from '../../probes/ablation.ts';
import { blindSpotOf } from '../format/ablation.ts';
import type { AccuracyView } from './engine.ts';
import { Spinner } from './Spinner.tsx';
import { pct } from '../format/percent.ts';
import { fit } from './text.ts';

export interface AccuracyPanelProps {
  readonly view?: AccuracyView;
  readonly pending: boolean;
  readonly ablating: boolean;
  readonly mode: AblationMode;
  readonly width: number;
  readonly error?: string;
}

const shade = (x: number) => (Number.isNaN(x) ? undefined : x >= 0.995 ? 'green' : x >= 0.5 ? 'yellow' : 'red');

/** Per-position accuracies as whole percents, 4 columns each; with a "pos%" lead when it fits. */
export function positionCells(perPosition: readonly number[], width: number): { lead: string; cells: string[] } {
  const cells = perPosition.map((x) => (Number.isNaN(x) ? '-' : String(Math.round(100 * x))).padStart(3));
  const lead = 'pos% ';
  const fits = lead.length + cells.length * 4 <= width;
  return { lead: fits ? lead : '', cells };
}

/**
 * "exact 3.0% (100.0%)  token 19.8% (100.0%) · resample: can't see length-only use": the unablated
 * figures in brackets and the mode's blind spot, dropped (the blind spot last) when they do not fit.
 */
export function summaryLine(view: AccuracyView, ablating: boolean, width: number, mode: AblationMode): string {
  const was = (now: number, base: number) => (ablating && now !== base ? ` (${pct(base)})` : '');
  const exact = `exact ${pct(view.exactMatch)}`;
  const token = `token ${pct(view.tokenAccuracy)}`;
  const blind = blindSpotOf(mode);
  const note = ablating && blind ? ` · ${mode}: ${blind.short}` : '';
  const full = `${exact}${was(view.exactMatch, view.baseline.exactMatch)}  ${token}${was(view.tokenAccuracy, view.baseline.tokenAccuracy)}`;
  const variants = [
    `${full}${note}`,
    `${exact}${was(view.exactMatch, view.baseline.exactMatch)}  ${token}${note}`,
    `${exact}  ${token}${note}`,
    full,
    `${exact}${was(view.exactMatch, view.baseline.exactMatch)}  ${token}`,
    `${exact}  ${token}`,
  ];
  return variants.find((v) => v.length <= width) ?? fit(variants[variants.length - 1], width);
}

export function AccuracyPanel({ view, pending, ablating, mode, width, error }: AccuracyPanelProps) {
  const summary = view ? summaryLine(view, ablating, width - 2, mode) : 'accuracy: computing';
  const pos = view ? positionCells(view.perPosition, width) : null;
  return (
    <Box flexDirection="column" width={width} height={2} overflow="hidden">
      <Box>
        <Text bold={!!view} dimColor={pending}>
          {fit(summary, width - 2)}
        </Text>
        {pending ? (
          <Text>
            {' '}
            <Spinner />
          </Text>
        ) : null}
      </Box>
      {error ? (
        <Text color="red">{fit(error, width)}</Text>
      ) : pos ? (
        // One text with inline colours, so a narrow pane cuts the line instead of wrapping cells.
        <Text wrap="truncate-end">
          <Text dimColor>{pos.lead}</Text>
          {pos.cells.map((c, i) => (
            <Text key={i} color={shade(view!.perPosition[i])} dimColor={pending}>
              {c}
              {i < pos.cells.length - 1 ? ' ' : ''}
            </Text>
          ))}
        </Text>
      ) : (
        <Text> </Text>
      )}
    </Box>
  );
}
