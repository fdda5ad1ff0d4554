/**
 * A thread that runs part of a sweep (ablation.ts, patching.ts, with `threads`): it loads the model
 * on its own backend and runs the jobs it is given with the main thread's arithmetic, so a sweep's
 * numbers do not depend on how many threads ran it.
 */
import { selectBackend } from '../src/model/backend.ts';
import { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';
import { serve } from '../src/threads/serve.ts';
import { runAblations, type AblationJob, type AblationOptions, type AblationResult } from './ablation.ts';
import type { CorruptPairs } from './corruptions.ts';
import { runPatchJobs, type PatchJob, type PatchResult, type PatchSweepOptions } from './patching.ts';
import type { ProbeSet } from './probeSet.ts';

export type SweepShare =
  | { readonly kind: 'ablation'; readonly set: ProbeSet; readonly jobs: readonly AblationJob[]; readonly opts: AblationOptions }
  | { readonly kind: 'patching'; readonly pairs: CorruptPairs; readonly jobs: readonly PatchJob[]; readonly opts: PatchSweepOptions };

export type SweepRequest = SweepShare & { readonly backend: string; readonly model: ModelData };

serve<SweepRequest, AblationResult[] | PatchResult[]>(async (r) => {
  const got = await selectBackend(r.backend);
  if (got !== r.backend) throw new Error(`runs backend '${got}' where the sweep runs '${r.backend}'`);
  return LoadedModel.use(r.model, async (m) =>
    r.kind === 'ablation' ? (await runAblations(m, r.set, r.jobs, { ...r.opts, threads: 1 })).components : runPatchJobs(m, r.pairs, r.jobs, r.opts),
  );
});
