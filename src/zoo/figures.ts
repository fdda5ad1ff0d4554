/**
 * What one zoo job produces, as plain data: the training outcome and every analysis's figures
 * (these go into the index, and are what the same sweep must reproduce however it is run), and
 * apart from them what varies from run to run (wall time, backend), which the index keeps but
 * which no comparison of two zoos looks at.
 */
export interface TrainingFigures {
  readonly status: string;
  readonly steps: number;
  readonly initialTestAcc: number;
  readonly trainAcc: number;
  readonly testAcc: number;
  readonly testTokenAcc: number;
  /** Loss of the last training step. */
  readonly finalLoss: number;
  /** Loss on the held-out set of the training lengths; for categorical outputs, minus the log-likelihood per output position. */
  readonly testLoss: number;
  /** Exact match at each test length (the lengths verify checks beyond training among them). */
  readonly lengthAcc: Readonly<Record<string, number>>;
  /** The model's size, for a job trained from another model (whose size the spec does not give); the most heads and MLP width of any layer. */
  readonly size?: { readonly layers: number; readonly heads: number; readonly dModel: number; readonly dMlp: number };
}

export interface LengthCheck {
  readonly minLen: number;
  readonly maxLen: number;
  readonly checked: number;
  readonly exhaustive: boolean;
  /** Share of inputs on which the model agrees with the program everywhere; null when none was checked. */
  readonly agreement: number | null;
}

export interface VerifyFigures {
  readonly trained: LengthCheck;
  /** Lengths past the training maximum; null when the spec asks for none. */
  readonly beyond: LengthCheck | null;
}

export interface OutputsFigures {
  readonly minLen: number;
  readonly maxLen: number;
  readonly inputs: number;
  /** Share of inputs on which the compiled and the learned model agree. */
  readonly agreement: number;
  readonly compiledExact: number;
  readonly learnedExact: number;
}

export interface HeadMatchFigures {
  /** A compiled head ("0.1"), what it implements, and its best match among the learned model's heads. */
  readonly compiled: string;
  readonly expr: string | null;
  readonly learned: string | null;
  readonly similarity: number;
  readonly matched: boolean;
}

export interface CompareFigures {
  readonly inRange: OutputsFigures;
  readonly outOfRange: OutputsFigures | null;
  readonly heads: readonly HeadMatchFigures[];
}

/** The volume of the model's minimum (probes/landscape/volume.ts), on probe inputs of the training lengths. */
export interface VolumeFigures {
  readonly directions: number;
  readonly minimumLoss: number;
  readonly cutoff: number;
  /** Directions whose loss stayed under the cutoff up to the largest radius tried. */
  readonly capped: number;
  readonly meanRadius: number;
  readonly logVolume: number;
}

/** The straight line from the model to the spec's reference (probes/landscape/connect.ts), on the training lengths. */
export interface ConnectFigures {
  readonly reference: string;
  readonly points: number;
  readonly barrierLoss: number;
  readonly barrierExactMatch: number;
  readonly barrierTokenAccuracy: number;
}

/** ACDC on the model (probes/circuit/discover.ts): the circuit it finds, and how its scores separate the known circuit where the model has one. */
export interface DiscoveryFigures {
  readonly threshold: number;
  readonly inputs: number;
  /** The circuit's edges, sorted. */
  readonly edges: readonly string[];
  readonly nodes: number;
  readonly exactMatchFull: number;
  readonly exactMatchCircuit: number;
  /** ROC AUC of the edge and node scores against the compiled circuit: known for a model fine-tuned from a compiled one, else null. */
  readonly edgeAuc: number | null;
  readonly nodeAuc: number | null;
}

export interface JobFigures {
  readonly training: TrainingFigures;
  readonly verify?: VerifyFigures;
  readonly compare?: CompareFigures;
  readonly volume?: VolumeFigures;
  readonly connect?: ConnectFigures;
  readonly discovery?: DiscoveryFigures;
}

/** One finished job as it travels to the zoo (from a local worker thread, or a queue worker as JSON). */
export interface JobOutcome {
  readonly key: string;
  readonly figures: JobFigures;
  /** The model file's bytes (safetensors). */
  readonly model: Uint8Array;
  readonly wallS: number;
  readonly backend: string;
}
