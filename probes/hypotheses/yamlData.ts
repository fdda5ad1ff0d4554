/**
 * YAML (or JSON) from a file the user may have been given, read as plain data. Mappings become
 * Maps with string keys, so no key (`__proto__`, `constructor`, `hasOwnProperty`) can reach
 * Object.prototype; aliases are expanded by copying, within a budget, so a "billion laughs" file
 * is refused instead of filling memory; nesting has a ceiling; tags are refused rather than
 * silently read as strings. Every mistake is one UserError at file:line:col.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { oneLine, UserError } from '../../src/rasp/errors.ts';

export type YamlData = string | number | boolean | null | YamlData[] | YamlMap;
export type YamlMap = Map<string, YamlData>;

/** Values that aliases may add to the data, in all. Real files reuse a few claims; a bomb asks for billions. */
export const MAX_ALIAS_VALUES = 10_000;
/** Nesting depth of the data; hypothesis files need four levels. */
export const MAX_DEPTH = 64;

export interface ParsedYaml {
  readonly data: YamlData;
  /** The document, for the source text of scalars (`1.10` where the data holds 1.1). */
  readonly doc: Document;
}

/**
 * The yaml package's messages end with the position and a code excerpt; the position is printed
 * first instead. What is left may quote the file (`Not a YAML token: …`), so it is made one line.
 */
const firstLine = (message: string): string => oneLine(message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''), 200);

/** The reader's problem in this file's terms, where the package's own words speak of its API. */
function problemText(code: string, message: string): string {
  if (code === 'RESOURCE_EXHAUSTION') return 'nested too deeply for the YAML reader';
  if (code === 'MULTIPLE_DOCS') return "the file holds more than one YAML document (a second '---')";
  if (code === 'NON_STRING_KEY') return 'a mapping key must be a plain string';
  if (code === 'TAG_RESOLVE_FAILED') return `YAML tags are not read here (${firstLine(message).replace(/^Unresolved tag: /, '')})`;
  return firstLine(message);
}

export function parseYaml(text: string, file: string): ParsedYaml {
  // A byte-order mark is allowed at the start of a YAML stream, but the reader misreads a block list after one.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const lines = new LineCounter();
  // The core schema without YAML 1.1's merge keys and extra types, whatever the file's %YAML directive says.
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: true,
    stringKeys: true,
    schema: 'core',
    merge: false,
    resolveKnownTags: false,
  });
  const at = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    throw new UserError(`${at(problem.pos[0])}: ${problemText(problem.code, problem.message)}`);
  }

  const anchors = new Map<string, Node>();
  // What each alias referred to where it stands in the file: an anchor defined later under the same name does not change it.
  const resolved = new Map<Node, Node>();
  const open = new Set<Node>();
  let aliasValues = 0;
  const fail = (node: Node | null | undefined, why: string): never => {
    throw new UserError(`${at(node?.range?.[0])}: ${why}`);
  };
  // `from` is the alias whose expansion this is: its values count against the budget, a mistake
  // inside is reported where the alias stands, and anchors met again are not defined again.
  const convert = (node: Node | null | undefined, depth: number, from: Node | undefined): YamlData => {
    if (node === null || node === undefined) return null;
    if (depth > MAX_DEPTH) fail(from ?? node, `nested more than ${MAX_DEPTH} levels deep`);
    if (from && ++aliasValues > MAX_ALIAS_VALUES) fail(from, `aliases expand to more than ${MAX_ALIAS_VALUES} values (is this an alias bomb?)`);
    if (isAlias(node)) {
      const target = from ? resolved.get(node) : anchors.get(node.source);
      if (!target) return fail(node, `alias '*${node.source}' has no anchor '&${node.source}' before it`);
      if (open.has(target)) return fail(from ?? node, `alias '*${node.source}' is inside the value it refers to`);
      if (!from) resolved.set(node, target);
      return convert(target, depth, from ?? node);
    }
    if (node.anchor && !from) anchors.set(node.anchor, node);
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
      return fail(from ?? node, `unsupported value of type ${typeof v}`);
    }
    open.add(node);
    try {
      if (isSeq(node)) return node.items.map((item) => convert(item as Node, depth + 1, from));
      if (isMap(node)) {
        const out: YamlMap = new Map();
        for (const pair of node.items) {
          const key = pair.key as Node | null;
          // stringKeys has made every scalar key a string already; an alias may still name a collection.
          const k = isScalar(key) && typeof key.value === 'string' ? key.value : isAlias(key) ? convert(key, depth + 1, from) : null;
          if (typeof k !== 'string') return fail(from ?? key ?? node, 'a mapping key must be a plain string');
          if (out.has(k)) return fail(from ?? key, `key ${JSON.stringify(k)} appears twice in this mapping`);
          out.set(k, convert(pair.value as Node | null, depth + 1, from));
        }
        return out;
      }
    } finally {
      open.delete(node);
    }
    return fail(from ?? node, 'unsupported YAML node');
  };
  return { data: convert(doc.contents as Node | null, 0, undefined), doc };
}
