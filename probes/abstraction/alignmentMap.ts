/**
 * Which learned-model components stand for which program variable (strict IIT's alignment): a map
 * from variable to one or more components (a head, an MLP). By default one per compiled node, as
 * InterpBench does: each compiled head and MLP is aligned with the same component of the learned
 * model (a selector width, computed by a head and the MLP after it, gets both). Written by hand as
 * `VAR=COMP[+COMP]` flags or a YAML mapping `{ VAR: COMP | [COMP, …] }`.
 */
import { parse as parseYaml } from 'yaml';
import { checkComponent, formatComponent, parseComponent, type ComponentRef } from '../../src/model/components.ts';
import type { ModelConfig, ModelData } from '../../src/model/types.ts';
import { programVariable } from '../../src/rasp/counterfactual.ts';
import { UserError } from '../../src/rasp/errors.ts';
import type { Program } from '../../src/rasp/program.ts';

export type AlignmentMap = ReadonlyMap<string, readonly ComponentRef[]>;

/** Each compiled head and MLP, by the variable it writes. */
export function defaultAlignment(compiled: ModelData): Map<string, ComponentRef[]> {
  const out = new Map<string, ComponentRef[]>();
  const add = (v: string, c: ComponentRef) => out.set(v, [...(out.get(v) ?? []), c]);
  for (const h of compiled.labels.heads) add(h.writes, { kind: 'head', layer: h.layer, head: h.head });
  for (const m of compiled.labels.mlps)
    if (!out.get(m.writes)?.some((c) => c.kind === 'mlp' && c.layer === m.layer)) add(m.writes, { kind: 'mlp', layer: m.layer });
  return out;
}

/**
 * The alignment a learned model's own labels state (an SIIT model's: each labelled head and MLP
 * stands for the variable it writes); null for a compiled model, for labels copied from the model a
 * learned one was fine-tuned from, and for a model without labels.
 */
export function labelledAlignment(m: ModelData): Map<string, ComponentRef[]> | null {
  if (m.config.origin !== 'learned' || m.labels.inherited) return null;
  const map = defaultAlignment(m);
  return map.size ? map : null;
}

/** `VAR=COMP[+COMP]` flags. */
export function parseAlignFlags(flags: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of flags) {
    const m = /^([^=]+)=(.+)$/.exec(f);
    if (!m) throw new UserError(`--align '${f}': write VARIABLE=COMPONENT (e.g. opp_index=mlp0, reverse=1.0, length=0.0+mlp0)`);
    out.set(m[1].trim(), [...(out.get(m[1].trim()) ?? []), ...m[2].split('+').map((s) => s.trim())]);
  }
  return out;
}

/** A YAML mapping `{ VAR: COMP | [COMP, …] }`; `file` names it in messages. */
export function parseAlignYaml(text: string, file: string): Map<string, string[]> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UserError(`${file}: not YAML (${(e as Error).message.split('\n')[0]})`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${file}: expected a mapping from program variables to components`);
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const list = Array.isArray(v) ? v : [v];
    if (list.length === 0 || list.some((x) => typeof x !== 'string' && typeof x !== 'number'))
      throw new UserError(`${file}: '${k}' must name a component or a list of them (1.0, mlp0)`);
    out.set(
      k,
      list.map((x) => String(typeof x === 'number' ? x.toFixed(1) : x)),
    );
  }
  return out;
}

/**
 * Checks a written map against the program and the learned model: every variable is the
 * program's, every component the model's, and no component stands for two variables.
 */
export function resolveAlignment(written: ReadonlyMap<string, readonly string[]>, program: Program, config: ModelConfig): Map<string, ComponentRef[]> {
  const out = new Map<string, ComponentRef[]>();
  const owner = new Map<string, string>();
  for (const [v, comps] of written) {
    programVariable(program, v);
    const refs = comps.map((t) => parseComponent(t, config));
    for (const c of refs) {
      if (c.kind !== 'head' && c.kind !== 'mlp') throw new UserError(`alignment of '${v}': ${formatComponent(c)} is not a head or an MLP`);
      const name = formatComponent(c);
      const prev = owner.get(name);
      if (prev !== undefined) throw new UserError(`the alignment names ${name} twice (for '${prev}' and '${v}')`);
      owner.set(name, v);
    }
    out.set(v, refs);
  }
  return out;
}

/** The default map checked against the learned model (a UserError when it lacks a compiled node's component). */
export function checkedDefault(compiled: ModelData, config: ModelConfig): Map<string, ComponentRef[]> {
  const map = defaultAlignment(compiled);
  for (const [v, cs] of map)
    for (const c of cs) {
      try {
        checkComponent(c, config);
      } catch (e) {
        throw new UserError(
          `the default alignment puts '${v}' on ${formatComponent(c)}, which the learned model lacks (${(e as Error).message}): ` +
            'give --layers/--heads to match, or an --align map',
        );
      }
    }
  return map;
}
