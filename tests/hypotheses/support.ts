/** Shared by the hypothesis tests: library programs, small compiled models, the saved fixtures. */
import { join } from 'node:path';
import { compile } from '../../compiler/index.ts';
import { LIBRARY_DIR } from '../../cli/resolveProgram.ts';
import { selectBackend } from '../../src/model/backend.ts';
import { loadModel } from '../../src/model/modelFile.ts';
import type { ModelData } from '../../src/model/types.ts';
import { loadProgram } from '../../src/rasp/load.ts';
import type { Program } from '../../src/rasp/program.ts';
import type { Value } from '../../src/rasp/values.ts';

export const FIXTURES = join(import.meta.dirname, '../../fixtures');
export const COMPILED_REVERSE = join(FIXTURES, 'models/reverse.compiled.safetensors');
export const LEARNED_REVERSE = join(FIXTURES, 'models/reverse.learned.safetensors');

export const library = (name: string): Program => loadProgram(join(LIBRARY_DIR, `${name}.rasp`));

/** A library program compiled small (its header vocabulary unless given, max length 4). */
export function compiledLibrary(name: string, opts: { vocab?: readonly Value[]; maxLen?: number } = {}): { program: Program; model: ModelData } {
  const program = library(name);
  return { program, model: compile(program, { vocab: opts.vocab ?? program.vocab!, maxLen: opts.maxLen ?? 4 }).model };
}

export const fixture = (path: string): ModelData => loadModel(path);

/** The fastest backend there is (wasm without tfjs-node): property runs are many small passes. */
export const fastBackend = (): Promise<string> => selectBackend('auto');
