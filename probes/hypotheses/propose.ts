/**
 * Hypotheses proposed from a compiled model's labels: each compiled head's selector, claimed of
 * each head of another (typically learned) model of the same program. Checking them says which
 * learned heads do which compiled head's job. A model whose labels carry an alignment (an SIIT
 * model's) says which of its heads stands for each compiled head's variable: the selector is
 * claimed of those heads only.
 */
import { RaspError } from '../../src/rasp/errors.ts';
import { parseSelectorExpression } from '../../src/rasp/expression.ts';
import type { Program } from '../../src/rasp/program.ts';
import { allHeads, formatHead } from '../../src/model/components.ts';
import type { HeadRef, ModelData } from '../../src/model/types.ts';
import { labelledAlignment } from '../abstraction/alignmentMap.ts';
import type { HeadClaim, MatchRule } from './claims.ts';

export interface ProposedClaim extends HeadClaim {
  /** The compiled head whose selector is claimed. */
  readonly from: HeadRef;
}

export interface Proposal {
  readonly claims: ProposedClaim[];
  /** Compiled heads whose selector could not be read in the program's scope. */
  readonly skipped: { readonly from: HeadRef; readonly selector: string; readonly reason: string }[];
  /** Whether the target's labels carried an alignment (claims of the aligned heads only, where it names any). */
  readonly aligned: boolean;
}

export function proposeFromLabels(compiled: ModelData, target: ModelData, program: Program, opts: { match?: MatchRule; threshold?: number } = {}): Proposal {
  const claims: ProposedClaim[] = [];
  const skipped: Proposal['skipped'][number][] = [];
  const alignment = labelledAlignment(target);
  for (const label of compiled.labels.heads) {
    const from = { layer: label.layer, head: label.head };
    const implementsText = label.selector;
    try {
      parseSelectorExpression(program, implementsText, { file: 'label' });
    } catch (e) {
      if (!(e instanceof RaspError)) throw e;
      skipped.push({ from, selector: label.selector, reason: e.detail });
      continue;
    }
    const aligned = (alignment?.get(label.writes) ?? []).filter((c) => c.kind === 'head');
    for (const h of aligned.length ? aligned : allHeads(target.config))
      claims.push({
        name: `compiled ${formatHead(from)}`,
        head: formatHead(h),
        implements: implementsText,
        from,
        ...(opts.match ? { match: opts.match } : {}),
        ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}),
      });
  }
  return { claims, skipped, aligned: alignment !== null };
}
