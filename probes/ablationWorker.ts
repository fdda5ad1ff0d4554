/**
 * A thread that runs part of an ablation sweep (ablation.ts, with `threads`): it loads the model
 * on its own backend and ablates the jobs it is given, with the same arithmetic as the main
 * thread, so a sweep's numbers do not depend on how many threads ran it.
 */
import { selectBackend } from '../src/model/backend.ts';
import { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';
import { serve } from '../src/threads/serve.ts';
import { runAblations, type AblationJob, type AblationOptions, type AblationResult } from './ablation.ts';
import type { ProbeSet } from './probeSet.ts';

export interface AblationRequest {
  readonly backend: string;
  readonly model: ModelData;
  readonly set: ProbeSet;
  readonly jobs: readonly AblationJob[];
  readonly opts: AblationOptions;
}

serve<AblationRequest, AblationResult[]>(async (r) => {
  const got = await selectBackend(r.backend);
  if (got !== r.backend) throw new Error(`runs backend '${got}' where the sweep runs '${r.backend}'`);
  return LoadedModel.use(r.model, async (m) => (await runAblations(m, r.set, r.jobs, { ...r.opts, threads: 1 })).components);
});
