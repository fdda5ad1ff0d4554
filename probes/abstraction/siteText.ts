/**
 * Sites as people write them (intervene, align):
 *   blocks.1.hook_resid_pre[@3]       a whole hook point (optionally one position, BOS = 0)
 *   1.0, attn1, mlp0, mlp0.n3, embed  a component's output (a head at hook_z: before W_O)
 *   blocks.1.hook_resid_mid[opp_index][@3]  residual directions labelled with an s-op
 *   blocks.1.hook_resid_mid[17,18,19] residual directions by index
 *   labels                            a compiled model's own directions for the variable
 */
import { hasHook, isResidualHook, parseHookName, type HookName } from '../../src/model/hooks.ts';
import { parseComponent } from '../../src/model/components.ts';
import type { ModelData } from '../../src/model/types.ts';
import { UserError } from '../../src/rasp/errors.ts';
import { hookSites } from '../hookSites.ts';
import { directionBasis, labelledDirections, labelledSite, type InterchangeSite } from './sites.ts';

const DIRECTIONS = /^([^[\]@]+)\[([^\]]*)\](?:@(\d+))?$/;

function hookOf(text: string, hook: string, model: ModelData): HookName {
  const parsed = parseHookName(hook);
  if (!parsed) throw new UserError(`site '${text}': '${hook}' is neither a hook point (blocks.1.hook_resid_pre) nor a component (1.0, mlp0)`);
  if (!hasHook(model.config, hook as HookName))
    throw new UserError(`site '${text}': the model has no hook point ${hook} (${model.config.layers.length} layers)`);
  return hook as HookName;
}

/** The site `text` names in `model`; `variable` is what `labels` stands for. */
export function parseSiteText(text: string, model: ModelData, variable: string): InterchangeSite {
  if (text === 'labels') return labelledSite(model, variable);
  const dirs = DIRECTIONS.exec(text);
  if (dirs) {
    const hook = hookOf(text, dirs[1], model);
    if (!isResidualHook(hook)) throw new UserError(`site '${text}': directions are residual-stream directions; ${hook} is not a residual-stream hook`);
    const D = model.config.dModel;
    const inner = dirs[2].trim();
    let idx: number[];
    if (/^\d+(\s*,\s*\d+)*$/.test(inner)) {
      idx = inner.split(',').map(Number);
      const bad = idx.find((d) => d >= D);
      if (bad !== undefined) throw new UserError(`site '${text}': direction ${bad} is past the model's d_model of ${D}`);
    } else {
      idx = labelledDirections(model, inner);
      if (idx.length === 0) throw new UserError(`site '${text}': no residual direction of the model is labelled '${inner}'`);
    }
    const position = dirs[3] === undefined ? undefined : Number(dirs[3]);
    if (position !== undefined && position >= model.config.nCtx)
      throw new UserError(`site '${text}': position ${position} is past the model's context of ${model.config.nCtx}`);
    return { kind: 'subspace', name: text, parts: [{ hook, basis: directionBasis(D, [...new Set(idx)]), position }] };
  }
  const [head, pos, extra] = text.split('@');
  if (extra !== undefined || (pos !== undefined && !/^\d+$/.test(pos))) throw new UserError(`site '${text}': the position after @ must be a number (BOS is 0)`);
  const position = pos === undefined ? undefined : Number(pos);
  if (position !== undefined && position >= model.config.nCtx)
    throw new UserError(`site '${text}': position ${position} is past the model's context of ${model.config.nCtx}`);
  const at = position === undefined ? {} : { position };
  if (head.startsWith('blocks.') || head.startsWith('hook_') || head.startsWith('unembed') || head.startsWith('ln_final'))
    return { kind: 'activation', name: text, sites: [{ hook: hookOf(text, head, model), ...at }] };
  const c = parseComponent(head, model.config);
  return { kind: 'activation', name: text, sites: hookSites(c, model.config).map((s) => ({ ...s, ...at })) };
}
