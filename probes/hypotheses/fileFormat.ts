/**
 * Hypothesis files (YAML, or JSON, which YAML reads too): a list of claims, or a mapping with
 * `claims:` and optionally `program:` (a library name or a .rasp path, relative to the file).
 * Each claim is a mapping whose kind is the key that states it (head, ablate, neuron, encodes,
 * invariant, agrees). Everything is checked here that can be without the model: a mistake is a
 * UserError naming the file, the claim's number and key, and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import { oneLine, UserError } from '../../src/rasp/errors.ts';
import { aboveCeiling, ceilingOf, type LimitName } from '../../src/rasp/limits.ts';
import { suggestName } from '../../src/rasp/scope.ts';
import { ABLATION_MODES } from '../ablation.ts';
import { CLAIM_KINDS, MATCH_RULES, OUTPUT_EFFECTS, OUTPUT_RELATIONS, TRANSFORMS, type Claim, type ClaimKind } from './claims.ts';
import { parseYaml, type YamlData, type YamlMap } from './yamlData.ts';

export interface HypothesisFile {
  readonly file: string;
  /** The program the file names (as written), if any. */
  readonly program?: string;
  readonly claims: Claim[];
}

/** What is wrong with a value, or null; `written` is its source text where YAML kept one (`1.10` for 1.1). */
type Check = (v: unknown, written?: string) => string | null;

const COMMON: Record<string, Check> = { name: isString, minLen: isLength, maxLen: isLength };

/** Per kind: its keys and what each must hold. The kind's own key comes first. */
const KEYS: Record<ClaimKind, Record<string, Check>> = {
  head: { head: isHead, implements: isString, match: oneOf(MATCH_RULES), threshold: isFraction },
  ablate: { ablate: isComponents, output: oneOf(OUTPUT_EFFECTS), mode: oneOf(ABLATION_MODES) },
  neuron: { neuron: isString, tracks: isString, above: isNumber },
  encodes: { encodes: isString, at: isPoint, directions: isDirections, fit: isFitCount },
  invariant: { invariant: oneOf(TRANSFORMS), outputs: oneOf(OUTPUT_RELATIONS) },
  agrees: { agrees: isString, ablate: isComponents, mode: oneOf(ABLATION_MODES) },
};

const REQUIRED: Record<ClaimKind, readonly string[]> = {
  head: ['head', 'implements'],
  ablate: ['ablate', 'output'],
  neuron: ['neuron', 'tracks'],
  encodes: ['encodes', 'at'],
  invariant: ['invariant'],
  agrees: ['agrees'],
};

const shown = (v: unknown): string =>
  typeof v === 'string' ? oneLine(JSON.stringify(v)) : Array.isArray(v) ? 'a list' : v instanceof Map ? 'a mapping' : String(v);
const keyText = (k: string): string => `'${oneLine(k)}'`;
/** " (did you mean 'claims'? keys: program, claims)" */
function keysHint(key: string, keys: readonly string[], label: string): string {
  const hint = suggestName(key, keys);
  return ` (${hint ? `did you mean '${hint}'? ` : ''}${label}: ${keys.join(', ')})`;
}

function isString(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? null : `must be a non-empty string, got ${shown(v)}`;
}
function isHead(v: unknown, written = String(v)): string | null {
  if (typeof v === 'number') return `must be a string such as "${written}" (quote it: YAML reads ${written} as the number ${v})`;
  return isString(v);
}
function isNumber(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? null : `must be a number, got ${shown(v)}`;
}
function isFraction(v: unknown): string | null {
  return typeof v === 'number' && v > 0 && v <= 1 ? null : `must be a number in (0, 1], got ${shown(v)}`;
}
function isCount(v: unknown): string | null {
  return Number.isInteger(v) && (v as number) >= 0 ? null : `must be a non-negative integer, got ${shown(v)}`;
}
function isPositive(v: unknown): string | null {
  return Number.isInteger(v) && (v as number) > 0 ? null : `must be a positive integer, got ${shown(v)}`;
}
/** A count of at most the ceiling `limit` names; `subject` says what was written. */
function withinCeiling(limit: LimitName, n: number, subject: string): string | null {
  return n > ceilingOf(limit) ? aboveCeiling(limit, subject) : null;
}
function isLength(v: unknown): string | null {
  return isCount(v) ?? withinCeiling('maxLen', v as number, String(v));
}
function isFitCount(v: unknown): string | null {
  return isPositive(v) ?? withinCeiling('samples', v as number, String(v));
}
function isPoint(v: unknown): string | null {
  return typeof v === 'string' || (Number.isInteger(v) && (v as number) >= 0)
    ? null
    : `must be a hook name (blocks.1.hook_resid_pre) or a read point number, got ${shown(v)}`;
}
function isComponents(v: unknown): string | null {
  if (typeof v === 'string') return isString(v);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return null;
  return `must be a component (1.0, attn1, mlp0, L1, mlp0.n12) or a list of them, got ${shown(v)}`;
}
function isDirections(v: unknown): string | null {
  // A range is counted before it is expanded: "0-1000000000" would be a billion numbers.
  if (typeof v === 'string' && /^\s*\d+\s*-\s*\d+\s*$/.test(v)) {
    const [a, b] = v.split('-').map((s) => Number(s.trim()));
    const n = Math.max(0, b - a + 1);
    return withinCeiling('dModel', n, `${shown(v)} (${n} directions)`);
  }
  if (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0))
    return withinCeiling('dModel', v.length, `a list of ${v.length} directions`);
  return `must be a list of direction numbers or a range such as "17-26", got ${shown(v)}`;
}
function oneOf(options: readonly string[]): Check {
  return (v) => (typeof v === 'string' && options.includes(v) ? null : `must be one of ${options.join(', ')}, got ${shown(v)}`);
}

/** "17-26" → 17..26. */
function expandDirections(v: unknown): number[] {
  if (Array.isArray(v)) return v as number[];
  const [a, b] = String(v)
    .split('-')
    .map((s) => Number(s.trim()));
  return Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
}

function parseClaim(raw: YamlData, at: string, baseDir: string, node: unknown): Claim {
  if (!(raw instanceof Map)) throw new UserError(`${at}: a claim must be a mapping (key: value), got ${shown(raw)}`);
  const obj: YamlMap = raw;
  const name = obj.get('name');
  const where = typeof name === 'string' ? `${at} (${oneLine(name)})` : at;
  // agrees first: an agreement claim may carry `ablate` too.
  const kinds = CLAIM_KINDS.filter((k) => obj.has(k) && !(k === 'ablate' && obj.has('agrees')));
  if (kinds.length === 0) {
    const keys = [...obj.keys()];
    const hint = keys.map((k) => suggestName(k, CLAIM_KINDS)).find((h) => h !== undefined);
    const found = `found ${keys.map(keyText).join(', ') || 'no keys'}${hint ? `; did you mean '${hint}'?` : ''}`;
    throw new UserError(`${where}: say what is claimed with one of the keys ${CLAIM_KINDS.join(', ')} (${found})`);
  }
  if (kinds.length > 1) throw new UserError(`${where}: one claim per entry; this one has ${kinds.join(' and ')}`);
  const kind = kinds[0];
  const allowed = new Map(Object.entries({ ...KEYS[kind], ...COMMON }));
  for (const [key, value] of obj) {
    const check = allowed.get(key);
    if (!check) throw new UserError(`${where}: unknown key ${keyText(key)} in this '${kind}' claim${keysHint(key, [...allowed.keys()], 'its keys')}`);
    const bad = check(value, writtenAs(node, key));
    if (bad) throw new UserError(`${where}: '${key}' ${bad}`);
  }
  for (const key of REQUIRED[kind]) if (!obj.has(key)) throw new UserError(`${where}: this '${kind}' claim needs '${key}'`);
  const minLen = obj.get('minLen');
  const maxLen = obj.get('maxLen');
  if (typeof minLen === 'number' && typeof maxLen === 'number' && minLen > maxLen)
    throw new UserError(`${where}: 'minLen' ${minLen} is above 'maxLen' ${maxLen}`);
  // Every key is one of the kind's own (checked above), so the plain object holds nothing else.
  const claim: Record<string, unknown> = Object.fromEntries(obj);
  if (kind === 'encodes' && obj.has('directions')) claim.directions = expandDirections(obj.get('directions'));
  if (kind === 'agrees') {
    const p = String(obj.get('agrees'));
    claim.agrees = isAbsolute(p) ? p : resolve(baseDir, p);
  }
  return claim as unknown as Claim;
}

/** The source text of a scalar under `key` in a YAML mapping node, if there is one. */
function writtenAs(node: unknown, key: string): string | undefined {
  const value = isMap(node) ? node.get(key, true) : undefined;
  return isScalar(value) ? value.source : undefined;
}

/** Parses hypothesis text; `file` names it in messages and anchors relative paths. */
export function parseHypotheses(text: string, file: string): HypothesisFile {
  const { data: top, doc } = parseYaml(text, file);
  let list: YamlData | undefined;
  let program: string | undefined;
  if (Array.isArray(top)) list = top;
  else if (top instanceof Map) {
    const topKeys = ['program', 'claims'];
    for (const k of top.keys()) if (!topKeys.includes(k)) throw new UserError(`${file}: unknown top-level key ${keyText(k)}${keysHint(k, topKeys, 'keys')}`);
    const p = top.get('program');
    if (p !== undefined && (typeof p !== 'string' || p.trim() === ''))
      throw new UserError(`${file}: 'program' must be a library name or a .rasp path, got ${shown(p)}`);
    program = p;
    list = top.get('claims');
    if (list === undefined) throw new UserError(`${file}: no 'claims:' list`);
  } else throw new UserError(`${file}: expected a list of claims, or a mapping with 'claims:'`);
  if (!Array.isArray(list)) throw new UserError(`${file}: 'claims' must be a list, got ${shown(list)}`);
  if (list.length === 0) throw new UserError(`${file}: the file makes no claims`);
  const tooMany = withinCeiling('claims', list.length, `a file of ${list.length} claims`);
  if (tooMany) throw new UserError(`${file}: ${tooMany}`);
  const baseDir = dirname(resolve(file));
  const listNode = Array.isArray(top) ? doc.contents : doc.get('claims', true);
  const claimNode = (i: number): unknown => (isSeq(listNode) ? listNode.items[i] : undefined);
  return {
    file,
    ...(program !== undefined ? { program } : {}),
    claims: list.map((c, i) => parseClaim(c, `${file}: claim ${i + 1}`, baseDir, claimNode(i))),
  };
}

/** Reads and parses a hypothesis file. */
export function loadHypotheses(path: string): HypothesisFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UserError(`cannot read hypothesis file '${path}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(e)}`);
  }
  return parseHypotheses(text, path);
}
