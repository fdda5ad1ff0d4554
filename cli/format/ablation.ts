/**
 * Ablation results as the CLI prints them (tables and --json): each result's components as the
 * text people type, "1.0" or "L1+attn0".
 */
import { formatComponents } from '../../src/model/components.ts';
import type { AblationProfile, AblationResult } from '../../probes/ablation.ts';

export type AblationResultText = Omit<AblationResult, 'component'> & { readonly component: string };

export const ablationResultText = (r: AblationResult): AblationResultText => ({ ...r, component: formatComponents(r.component) });

export const ablationProfileText = (p: AblationProfile): { baseline: AblationProfile['baseline']; components: AblationResultText[] } => ({
  baseline: p.baseline,
  components: p.components.map(ablationResultText),
});
