/**
 * A discovered circuit as text: one line per receiver input the circuit keeps an edge into, in
 * the order the forward pass reads them (layer by layer, the logits last), with the senders that
 * feed it and, where the model's circuit is known, a mark on edges it does not have.
 */
import type { Discovery } from '../../probes/circuit/discover.ts';

const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? x.toFixed(3) : x.toExponential(2));

/** A score as a table shows it. */
export const scoreText = (x: number): string => (Number.isNaN(x) ? '-' : fmt(x));

/** An area or average precision, "-" when there is none (no negatives, no positives). */
export const areaText = (x: number): string => (Number.isNaN(x) ? '-' : x.toFixed(3));

/** The receiver part of an edge name: `1.0:q`, `mlp0:in`, `logits`. */
const receiverOf = (edge: string) => edge.slice(edge.indexOf('->') + 2);
const senderOf = (edge: string) => edge.slice(0, edge.indexOf('->'));

export function circuitGraphText(d: Discovery): string {
  const order: string[] = [];
  const inputs = new Map<string, string[]>();
  for (const e of d.edges) {
    if (!e.inCircuit) continue;
    const r = receiverOf(e.edge);
    if (!inputs.has(r)) {
      inputs.set(r, []);
      order.push(r);
    }
    inputs.get(r)!.push(senderOf(e.edge) + (e.inTrue === false ? ' (not in the true circuit)' : ''));
  }
  if (order.length === 0) return '  (no edge kept)\n';
  const w = Math.max(...order.map((r) => r.length));
  return order.map((r) => `  ${r.padEnd(w)}  ← ${inputs.get(r)!.join(', ')}\n`).join('');
}
