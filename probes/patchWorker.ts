/**
 * A thread that runs part of a patching sweep (patching.ts, with `threads`): it loads the model
 * on its own backend and patches the jobs it is given, with the main thread's arithmetic.
 */
import { selectBackend } from '../src/model/backend.ts';
import { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';
import { serve } from '../src/threads/serve.ts';
import type { CorruptPairs } from './corruptions.ts';
import { runPatchJobs, type PatchJob, type PatchResult, type PatchSweepOptions } from './patching.ts';

export interface PatchRequest {
  readonly backend: string;
  readonly model: ModelData;
  readonly pairs: CorruptPairs;
  readonly jobs: readonly PatchJob[];
  readonly opts: PatchSweepOptions;
}

serve<PatchRequest, PatchResult[]>(async (r) => {
  const got = await selectBackend(r.backend);
  if (got !== r.backend) throw new Error(`runs backend '${got}' where the sweep runs '${r.backend}'`);
  return LoadedModel.use(r.model, (m) => runPatchJobs(m, r.pairs, r.jobs, r.opts));
});
