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

export const MORE = '…';

/**
 * Per-position accuracies as whole percents, 4 columns each; with a "pos%" lead when it fits.
 * A line too long for `width` ends in "…" after the last whole cell, never inside a number.
 */
export function positionCells(perPosition: readonly number[], width: number): { lead: string; cells: string[] } {
  const cells = perPosition.map((x) => (Number.isNaN(x) ? '-' : String(Math.round(100 * x))).padStart(3));
  const lead = 'pos% ';
  const joined = cells.length * 4 - 1;
  if (lead.length + joined <= width) return { lead, cells };
  if (joined <= width) return { lead: '', cells };
  return { lead: '', cells: [...cells.slice(0, Math.max(0, Math.floor((width - 1) / 4))), MORE] };
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
        <Text wrap="truncate-end">
          <Text dimColor>{pos.lead}</Text>
          {pos.cells.map((c, i) => (
            <Text key={i} color={c === MORE ? undefined : shade(view!.perPosition[i])} dimColor={pending || c === MORE}>
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
