/**
 * Models a command has loaded (weights uploaded as tensors, after the backend was chosen), freed
 * when the command ends: main() closes them, so commands run in-process (tests, the demo) leave no
 * tensors behind. tfjs is imported on first use, so --help stays fast.
 */
import type { LoadedModel } from '../src/model/loadedModel.ts';
import type { ModelData } from '../src/model/types.ts';

const open = new Set<LoadedModel>();

/** Loads a model for the running command; main() disposes it when the command ends. */
export async function openModel(data: ModelData): Promise<LoadedModel> {
  const { LoadedModel } = await import('../src/model/loadedModel.ts');
  const m = LoadedModel.from(data);
  open.add(m);
  return m;
}

/** Disposes every model the command opened. */
export function closeModels(): void {
  for (const m of open) m.dispose();
  open.clear();
}
