/**
 * Everything a report shows, as one plain (JSON-safe) object: collect.ts fills it from probes, the
 * figure functions and html.ts only read it. Tests build reports from it without running a model.
 */
import type { Value } from '../../src/rasp/values.ts';
import { headComponent, sameComponent } from '../../src/model/components.ts';
import type { HeadRef } from '../../src/model/types.ts';
import type { AblationMode, AblationProfile } from '../../probes/ablation.ts';
import type { InputAttention } from '../../probes/attention.ts';
import type { OutputAgreement } from '../../probes/compare.ts';
import type { HeadMatch } from '../../probes/headSimilarity.ts';
import type { LayerNeuronSummary } from '../../probes/neurons.ts';
import type { PruneCurve } from '../../probes/pruning.ts';
import type { ScoredEdge } from '../../probes/circuit/discover.ts';

/** The metrics log beside a learned model (`<model>.train.jsonl`), reduced to the curves. */
export interface TrainingCurve {
  /** The log's file name. */
  readonly source: string;
  /** Training loss (and the batch's exact match when logged) per logged step. */
  readonly steps: readonly { readonly step: number; readonly loss: number; readonly trainAcc?: number }[];
  /** Held-out exact match per evaluation, step 0 included. */
  readonly evals: readonly { readonly step: number; readonly testAcc: number }[];
}

export interface VariableAccuracy {
  readonly variable: string;
  /** Held-out accuracy at read point 0..L (0: embeddings, k: after layer k−1, L: the final residual). */
  readonly accuracy: readonly number[];
  readonly firstDecodable: number | null;
}

/** How a model does on input lengths beyond those it was trained on (but within its context). */
export interface LengthResult {
  readonly length: number;
  readonly inputs: number;
  readonly exactMatch: number;
}

/** A discovered circuit as the report draws it (probes/circuit/discover.ts, reduced). */
export interface CircuitPanel {
  /** The method that found it, e.g. "eap-ig". */
  readonly method: string;
  /** Edges the circuit keeps. */
  readonly kept: number;
  /** Every node, logits included; `layer`: -1 for the embeddings, n_layers for the logits. `inTrue`: absent without a known circuit. */
  readonly nodes: readonly { readonly name: string; readonly layer: number; readonly inCircuit: boolean; readonly inTrue?: boolean }[];
  /** Every edge, `sender` and `receiver` by node name. */
  readonly edges: readonly ScoredEdge[];
}

export interface ModelSection {
  /** What the report calls the model: "compiled" or "learned" (with a suffix when both are alike). */
  readonly name: string;
  /** The model file's base name. */
  readonly file: string;
  readonly origin: 'compiled' | 'learned';
  readonly layers: number;
  readonly headsPerLayer: readonly number[];
  readonly dModel: number;
  readonly dMlp: readonly number[];
  readonly nCtx: number;
  readonly params: number;
  /** Input lengths the model was built or trained for. */
  readonly lengths: readonly [number, number];
  /** Exact match on the report's probe set (the unablated baseline). */
  readonly exactMatch: number;
  /** What each compiled head implements ("layer.head" → RASP expression). */
  readonly headLabels: Readonly<Record<string, string>>;
  readonly attention: readonly InputAttention[];
  readonly ablation: AblationProfile;
  readonly pruning: readonly PruneCurve[];
  readonly probes: readonly VariableAccuracy[];
  readonly neurons: readonly LayerNeuronSummary[];
  readonly beyond: readonly LengthResult[];
  readonly training: TrainingCurve | null;
  /** The circuit EAP-IG finds (null when no corruption changes the output). */
  readonly circuit: CircuitPanel | null;
}

/** What only a pair of models has: output agreement and the head-by-head match (compareModels). */
export interface PairComparison {
  readonly outputs: { readonly inRange: OutputAgreement; readonly outOfRange: OutputAgreement | null };
  readonly matches: readonly HeadMatch[];
}

/** report --landscape: the straight path between two models of one shape, and each model's radii (probes/landscape). */
export interface LandscapeSection {
  /** null with one model, or two of different shapes. */
  readonly path: {
    readonly from: string;
    readonly to: string;
    readonly points: readonly { readonly t: number; readonly loss: number; readonly exactMatch: number }[];
    readonly barrier: number;
  } | null;
  readonly volumes: readonly {
    readonly name: string;
    readonly directions: number;
    readonly radii: readonly number[];
    readonly logVolume: number;
  }[];
}

export interface ReportData {
  readonly program: string;
  readonly settings: {
    readonly samples: number;
    readonly seed: number;
    readonly backend: string;
    /** Probe inputs used, and whether they are every input of the task. */
    readonly inputs: number;
    readonly exhaustive: boolean;
    readonly lengths: readonly [number, number];
    readonly vocab: readonly Value[];
    /** With two models: what the shared vocabulary and lengths leave out of each one's own (null: nothing). */
    readonly note: string | null;
    /** How far a numerical output may be from the program's and count as right; null for categorical outputs. */
    readonly tolerance: number | null;
  };
  /** One model, or two side by side (A first: typically compiled). */
  readonly models: readonly ModelSection[];
  readonly comparison: PairComparison | null;
  /** Absent without --landscape. */
  readonly landscape?: LandscapeSection;
}

/** Exact match of the model with one head ablated on its own, if the sweep had it. */
export function headAblated(m: ModelSection, h: HeadRef, mode: AblationMode = 'zero'): number | undefined {
  const head = headComponent(h);
  return m.ablation.components.find((r) => r.mode === mode && r.component.length === 1 && sameComponent(r.component[0], head))?.exactMatch;
}
