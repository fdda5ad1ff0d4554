/**
 * Which .rasp file a PROGRAM argument means: a path to a file, else a name from the program library
 * (fixtures/programs/NAME.rasp), e.g. `reverse`. Unknown names get a "did you mean" from the library.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closest } from 'fastest-levenshtein';
import { isSOp } from '../src/rasp/ast.ts';
import { isUserError, UserError } from '../src/rasp/errors.ts';
import type { Program } from '../src/rasp/program.ts';
import type { ModelData, ProgramLabel } from '../src/model/types.ts';

export const LIBRARY_DIR = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));

/** The library's program names, sorted. */
export function libraryPrograms(dir: string = LIBRARY_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.rasp'))
    .map((f) => basename(f, '.rasp'))
    .sort();
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** The path of the .rasp file `spec` names; a UserError when there is none. */
export function resolveProgramPath(spec: string, opts: { cwd?: string; libraryDir?: string } = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const dir = opts.libraryDir ?? LIBRARY_DIR;
  const asPath = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (isFile(asPath)) return asPath;
  // Only bare names go to the library, so a mistyped path is reported as a missing file.
  if (!/[\\/]/.test(spec)) {
    const name = spec.endsWith('.rasp') ? spec.slice(0, -'.rasp'.length) : spec;
    const fromLibrary = resolve(dir, `${name}.rasp`);
    if (isFile(fromLibrary)) return fromLibrary;
    const names = libraryPrograms(dir);
    const hint = names.length ? ` (did you mean '${closest(name, names)}'?)` : '';
    throw new UserError(`no program file '${spec}' and no library program named '${name}'${hint}; library: ${names.join(', ') || '(empty)'}`);
  }
  throw new UserError(`no such program file: ${spec}`);
}

/** The program with `output` as its output s-op (by name), or the file's own output when absent. */
export function withOutput(program: Program, output: string | undefined): Program {
  if (output === undefined) return program;
  const node = program.named.get(output);
  if (!node) {
    const names = [...program.named.keys()];
    const hint = names.length ? ` (did you mean '${closest(output, names)}'?)` : '';
    throw new UserError(`--output: ${program.file ?? program.name} has no s-op named '${output}'${hint}`);
  }
  if (!isSOp(node)) throw new UserError(`--output: '${output}' is a selector, not an s-op; name an s-op`);
  return { ...program, output: node };
}

/** Loads the program `spec` names (the parser is imported here, lazily, so --help stays fast). */
export async function resolveProgram(spec: string, opts: { output?: string; cwd?: string } = {}): Promise<Program> {
  const path = resolveProgramPath(spec, opts);
  const { loadProgram } = await import('../src/rasp/load.ts');
  return withOutput(loadProgram(path), opts.output);
}

/** The located notes of a program (REPL commands skipped in its file) on stderr, one line each. */
export function printNotes(err: (text: string) => void, program: Program): void {
  for (const note of program.notes ?? []) err(`rasplab: note: ${note}\n`);
}

/**
 * Parses the program text a model file recorded, under the name it had. A model file may come from
 * anyone, so its program may not make rasplab read a file: a `load` runs the text the file recorded
 * for it (program.loaded), and one it recorded none for is refused.
 */
async function programFromModelFile(rec: ProgramLabel, opts: { modelSpec: string; output?: string; howToName: string }): Promise<Program> {
  const { parseProgram } = await import('../src/rasp/load.ts');
  const refuseLoad = (path: string) =>
    `${opts.modelSpec}: the program recorded in this model uses load "${path}" and records no text for it; ` +
    `programs from model files may not read files; ${opts.howToName}`;
  const file = rec.file ? basename(rec.file) : `${rec.name}.rasp`;
  return withOutput(parseProgram(rec.source!, { file, refuseLoad, ...(rec.loaded ? { loaded: rec.loaded } : {}) }), opts.output);
}

/**
 * The program a command runs a model against: the one the user named, else the source the model
 * file recorded. `howToName` tells the user how to name one when the file records none.
 */
export async function programForModel(
  model: ModelData,
  modelSpec: string,
  spec: string | undefined,
  opts: { output?: string; howToName: string },
): Promise<Program> {
  const rec = model.labels.program;
  if (spec !== undefined) {
    if (opts.output !== undefined) return resolveProgram(spec, { output: opts.output });
    // The s-op the model computes, when the program names one so; else the program's own output.
    const p = await resolveProgram(spec);
    const own = rec?.output !== undefined ? p.named.get(rec.output) : undefined;
    return own !== undefined && isSOp(own) ? withOutput(p, rec!.output) : p;
  }
  if (!rec?.source) throw new UserError(`${modelSpec} records no program source; ${opts.howToName}`);
  try {
    return await programFromModelFile(rec, { modelSpec, output: opts.output ?? rec.output, howToName: opts.howToName });
  } catch (e) {
    // The text came from the model file, not from the user's own program: say so, in one line
    // (a refused load names the model file already).
    const where = `${modelSpec}: the program recorded in metadata 'rasplab.labels' (program.source)`;
    if (isUserError(e)) throw e.message.startsWith(`${modelSpec}: `) ? e : new UserError(`${where} cannot be read: ${e.message}`);
    if (e instanceof RangeError) throw new UserError(`${where} is nested too deeply to read`);
    throw e;
  }
}
