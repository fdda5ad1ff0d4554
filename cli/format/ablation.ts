/**
 * Ablation results as the CLI prints them (tables and --json): each result's components as the
 * text people type, "1.0" or "L1+attn0", and what its mode cannot see, so a number that reads
 * "unused" is never shown without the reason it may be wrong.
 */
import { formatComponents } from '../../src/model/components.ts';
import type { AblationProfile, AblationResult } from '../../probes/ablation.ts';
import { MODE_BLIND_SPOT, type AblationMode, type BlindSpot } from '../../probes/ablationModes.ts';

/** The mark beside a number whose mode has a blind spot; the footnote under the table explains it. */
export const BLIND_MARK = '†';

const BLIND_SPOT_TEXT: Record<BlindSpot, { readonly short: string; readonly long: string }> = {
  length: {
    short: "can't see length-only use",
    long:
      'the replacement comes from another input of the same length, so what depends on the length alone is left as it was: ' +
      'a component that uses nothing else looks unused',
  },
  average: {
    short: "can't see output near its average",
    long:
      "the replacement is each position's average output, so what a component writes (nearly) the same on most inputs is left as it was: " +
      'such a component looks unused',
  },
};

/** What the mode cannot see: a few words for a status line, a sentence for a footnote; null for none. */
export function blindSpotOf(mode: AblationMode): { readonly short: string; readonly long: string } | null {
  const b = MODE_BLIND_SPOT[mode];
  return b ? BLIND_SPOT_TEXT[b] : null;
}

/** "† resample: …" for each mode among `modes` that has a blind spot. */
export function blindSpotFootnotes(modes: Iterable<AblationMode>): string[] {
  return [...new Set(modes)].flatMap((m) => {
    const b = blindSpotOf(m);
    return b ? [`${BLIND_MARK} ${m}: ${b.long}`] : [];
  });
}

/** A number, marked when its mode has a blind spot. */
export const markBlind = (text: string, mode: AblationMode): string => (blindSpotOf(mode) ? `${text} ${BLIND_MARK}` : text);

export type AblationResultText = Omit<AblationResult, 'component'> & { readonly component: string; readonly cannotSee?: string };

export const ablationResultText = (r: AblationResult): AblationResultText => {
  const b = blindSpotOf(r.mode);
  return { ...r, component: formatComponents(r.component), ...(b ? { cannotSee: b.long } : {}) };
};

export const ablationProfileText = (p: AblationProfile): { baseline: AblationProfile['baseline']; components: AblationResultText[] } => ({
  baseline: p.baseline,
  components: p.components.map(ablationResultText),
});
