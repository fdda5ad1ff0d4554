/**
 * One-line RASP text for labels and error messages: the node's own operation in full, the nodes it
 * reads by name when they have one (e.g. `aggregate(select(indices, opp_index, ==), tokens)`).
 */
import type { RaspNode } from '../src/rasp/ast.ts';
import { formatValue } from '../src/rasp/values.ts';

function ref(n: RaspNode): string {
  return n.name ?? describeExpr(n);
}

export function describeExpr(n: RaspNode): string {
  switch (n.kind) {
    case 'tokens':
    case 'indices':
    case 'length':
      return n.kind;
    case 'const':
      return typeof n.value === 'string' ? JSON.stringify(n.value) : formatValue(n.value);
    case 'map': {
      const fn = n.fn.kind === 'native' ? n.fn.text.replace(/\s+/g, ' ') : 'λ';
      return `${n.inputs.length > 1 ? 'zipmap' : 'map'}(${fn}, ${n.inputs.map(ref).join(', ')})`;
    }
    case 'aggregate':
      return `aggregate(${ref(n.selector)}, ${ref(n.sop)}${n.defaultValue === null ? '' : `, ${formatValue(n.defaultValue)}`})`;
    case 'selectorWidth':
      return `selector_width(${ref(n.selector)})`;
    case 'select':
      return `select(${ref(n.keys)}, ${ref(n.queries)}, ${n.predicate})`;
    case 'selectAnd':
      return `${ref(n.left)} & ${ref(n.right)}`;
    case 'selectOr':
      return `${ref(n.left)} | ${ref(n.right)}`;
    case 'selectNot':
      return `~${ref(n.inner)}`;
  }
}

/** For error messages: the node's name (when it has one) and its text. */
export function describeForError(n: RaspNode): string {
  return n.name ? `'${n.name}' = ${describeExpr(n)}` : describeExpr(n);
}
