/**
 * Training checkpoints: weights, AdamW moments, the step reached and the run's fingerprint, in one
 * file written atomically (temporary file, then rename), so an interrupted write never leaves a
 * half checkpoint where a good one was. Data is a pure function of (seed, step), so (seed, step)
 * is the whole random state; nothing else needs saving to continue bit for bit.
 *
 * Layout: 8-byte magic, u32 LE header length, JSON header, zero padding to a multiple of 4, then
 * the float32 (LE) tensors the header lists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../rasp/errors.ts';
import type { ModelConfig, ModelLabels, WeightArray } from '../model/types.ts';

const MAGIC = 'RLCKPT01';

export interface Checkpoint {
  /** JSON of everything that must match for a resume to continue the same run. */
  readonly fingerprint: string;
  /** Optimisation steps completed. */
  readonly step: number;
  readonly seed: number;
  readonly config: ModelConfig;
  readonly labels: ModelLabels;
  readonly names: readonly string[];
  readonly params: readonly WeightArray[];
  readonly m: readonly WeightArray[];
  readonly v: readonly WeightArray[];
  /** AdamW's update count (its bias correction depends on it). */
  readonly t: number;
  /** Wall time spent in earlier sessions of this run, seconds. */
  readonly wallTimeS: number;
  /** Best held-out exact match so far, and anything else worth carrying across sessions. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** learned.safetensors → learned.ckpt (beside the output). */
export function checkpointPathFor(outputPath: string): string {
  return outputPath.replace(/(\.safetensors)?$/, '.ckpt');
}

interface TensorEntry {
  readonly group: 'params' | 'm' | 'v';
  readonly index: number;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
}

export function serializeCheckpoint(c: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  let offset = 0;
  const groups = { params: c.params, m: c.m, v: c.v } as const;
  for (const group of ['params', 'm', 'v'] as const)
    groups[group].forEach((w, index) => {
      entries.push({ group, index, shape: w.shape, offset, length: w.data.length });
      offset += w.data.length;
    });
  const { params: _p, m: _m, v: _v, ...meta } = c;
  const header = new TextEncoder().encode(JSON.stringify({ ...meta, tensors: entries }));
  const headerEnd = 12 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = new Uint8Array(dataStart + offset * 4);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, header.length, true);
  bytes.set(header, 12);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  for (const e of entries) floats.set(groups[e.group][e.index].data, e.offset);
  return bytes;
}

export function deserializeCheckpoint(bytes: Uint8Array, source: string): Checkpoint {
  const bad = (why: string) => new UserError(`${source}: not a usable rasplab checkpoint (${why})`);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('wrong magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(8, true);
  if (12 + headerLen > bytes.length) throw bad('truncated header');
  let header: Omit<Checkpoint, 'params' | 'm' | 'v'> & { tensors: TensorEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLen)));
  } catch {
    throw bad('corrupt header');
  }
  const dataStart = Math.ceil((12 + headerLen) / 4) * 4;
  const total = header.tensors.reduce((s, e) => Math.max(s, e.offset + e.length), 0);
  if (dataStart + total * 4 > bytes.length) throw bad('truncated data');
  // Copy: the file's buffer need not be 4-byte aligned where the data starts.
  // (Uint8Array's slice copies; a Node Buffer's own slice would only make a view.)
  const floats = new Float32Array(Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + total * 4).buffer);
  const groups: Record<'params' | 'm' | 'v', WeightArray[]> = { params: [], m: [], v: [] };
  header.tensors.forEach((e, i) => {
    // Group and index come from the file: only the three arrays' own positions, never a key of Object.prototype or an array's `length`.
    if (!Object.hasOwn(groups, e.group)) throw bad(`tensor ${i + 1}: group ${JSON.stringify(e.group)} is not params, m or v`);
    if (!Number.isSafeInteger(e.index) || e.index < 0 || e.index >= header.tensors.length)
      throw bad(`tensor ${i + 1}: index ${JSON.stringify(e.index)} is not a position in its group`);
    groups[e.group][e.index] = { shape: e.shape, data: floats.slice(e.offset, e.offset + e.length) };
  });
  const { tensors: _t, ...meta } = header;
  return { ...meta, ...groups };
}

/** Writes to a temporary file beside the target, then renames it into place. */
export function saveCheckpoint(file: string, c: Checkpoint): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, serializeCheckpoint(c));
  fs.renameSync(tmp, file);
}

export function loadCheckpoint(file: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    throw new UserError(`cannot read checkpoint ${file}`);
  }
  return deserializeCheckpoint(bytes, file);
}
