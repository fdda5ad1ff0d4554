/**
 * Models loaded once per test file: `loaded(data)` uploads a model's weights the first time it is
 * asked for (inside a test, so after the file's beforeAll chose the backend) and the same
 * LoadedModel afterwards; every one is disposed after the file's tests.
 */
import { afterAll } from 'vitest';
import { LoadedModel } from '../../src/model/loadedModel.ts';
import type { ModelData } from '../../src/model/types.ts';

const models = new Map<ModelData, LoadedModel>();

export function loaded(data: ModelData): LoadedModel {
  if (data instanceof LoadedModel) return data;
  let m = models.get(data);
  if (!m || m.disposed) models.set(data, (m = LoadedModel.from(data)));
  return m;
}

afterAll(() => {
  for (const m of models.values()) m.dispose();
  models.clear();
});
