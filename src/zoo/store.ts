/**
 * The zoo on disk: `models/<key>.safetensors` for every model, and `index.sqlite` with one row
 * per model: its settings, its training outcome and every analysis's figures (whole, as JSON, and
 * the ones people filter on as columns of their own). One process writes it (the sweep's); a
 * result is written once per key, model file first (atomically), then its row, so a row always
 * has its model and a second result for the same key (a job a stalled queue worker also finished)
 * changes nothing.
 *
 * The index records its schema version; a zoo written by another version is refused in one line
 * rather than read wrong.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { UserError } from '../rasp/errors.ts';
import type { JobFigures, JobOutcome } from './figures.ts';
import { stableJson, type Job } from './jobs.ts';

/** 2: columns data_fraction and init_from; log_volume, barrier_loss, barrier_acc, circuit_edges, edge_auc, node_auc. */
export const ZOO_SCHEMA_VERSION = 2;
export const INDEX_FILE = 'index.sqlite';
export const MODELS_DIR = 'models';

/** The index's columns besides the JSON ones, as `rasplab zoo --query` sees them. */
export const ZOO_COLUMNS = [
  'key',
  'program',
  'layers',
  'heads',
  'd_model',
  'd_mlp',
  'attn_only',
  'min_len',
  'max_len',
  'steps',
  'lr',
  'and_mask',
  'data_fraction',
  'init_from',
  'seed',
  'status',
  'train_acc',
  'test_acc',
  'test_token_acc',
  'final_loss',
  'test_loss',
  'verify_trained',
  'verify_beyond',
  'compare_in',
  'compare_beyond',
  'heads_compiled',
  'heads_matched',
  'log_volume',
  'barrier_loss',
  'barrier_acc',
  'circuit_edges',
  'edge_auc',
  'node_auc',
] as const;
export type ZooColumn = (typeof ZOO_COLUMNS)[number];

const SCHEMA = `
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE models (
  key TEXT PRIMARY KEY, program TEXT NOT NULL,
  layers INTEGER, heads INTEGER, d_model INTEGER, d_mlp INTEGER, attn_only INTEGER,
  min_len INTEGER, max_len INTEGER, steps INTEGER, lr REAL, and_mask REAL, data_fraction REAL, init_from TEXT, seed INTEGER,
  status TEXT, train_acc REAL, test_acc REAL, test_token_acc REAL, final_loss REAL, test_loss REAL,
  verify_trained REAL, verify_beyond REAL, compare_in REAL, compare_beyond REAL, heads_compiled INTEGER, heads_matched INTEGER,
  log_volume REAL, barrier_loss REAL, barrier_acc REAL, circuit_edges INTEGER, edge_auc REAL, node_auc REAL,
  settings TEXT NOT NULL, figures TEXT NOT NULL, wall_s REAL, backend TEXT
);
CREATE TABLE failures (key TEXT PRIMARY KEY, error TEXT NOT NULL, attempts INTEGER NOT NULL);
`;

export interface ZooRow extends Record<ZooColumn, string | number | null> {
  readonly settings: string;
  readonly figures: string;
  readonly wall_s: number;
  readonly backend: string;
}

export interface ZooFailure {
  readonly key: string;
  readonly error: string;
  readonly attempts: number;
}

function columnsOf(job: Job, figures: JobFigures): Record<ZooColumn, string | number | null> {
  const f = job.settings.flags;
  const a = f.arch;
  // A model trained from another has that one's architecture, which the job's figures report.
  const s = figures.training.size;
  const heads = figures.compare?.heads ?? [];
  return {
    key: job.key,
    program: job.settings.program.name,
    layers: a?.layers ?? s?.layers ?? null,
    heads: a?.heads ?? s?.heads ?? null,
    d_model: a?.dModel ?? s?.dModel ?? null,
    d_mlp: a ? (a.attnOnly ? 0 : (a.dMlp ?? 4 * a.dModel)) : (s?.dMlp ?? null),
    attn_only: a ? Number(a.attnOnly) : s ? Number(s.dMlp === 0) : null,
    min_len: f.minLen,
    max_len: f.maxLen,
    steps: f.steps,
    lr: f.lr,
    and_mask: f.andMask ?? null,
    data_fraction: f.dataFraction ?? 1,
    init_from: job.settings.initFrom?.file ?? null,
    seed: f.seed,
    status: figures.training.status,
    train_acc: figures.training.trainAcc,
    test_acc: figures.training.testAcc,
    test_token_acc: figures.training.testTokenAcc,
    final_loss: figures.training.finalLoss,
    test_loss: figures.training.testLoss,
    verify_trained: figures.verify?.trained.agreement ?? null,
    verify_beyond: figures.verify?.beyond?.agreement ?? null,
    compare_in: figures.compare?.inRange.agreement ?? null,
    compare_beyond: figures.compare?.outOfRange?.agreement ?? null,
    heads_compiled: figures.compare ? heads.length : null,
    heads_matched: figures.compare ? heads.filter((h) => h.matched).length : null,
    log_volume: figures.volume?.logVolume ?? null,
    barrier_loss: figures.connect?.barrierLoss ?? null,
    barrier_acc: figures.connect?.barrierExactMatch ?? null,
    circuit_edges: figures.discovery ? figures.discovery.edges.length : null,
    edge_auc: figures.discovery?.edgeAuc ?? null,
    node_auc: figures.discovery?.nodeAuc ?? null,
  };
}

function sqliteMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Zoo {
  private constructor(
    readonly dir: string,
    private readonly db: Database.Database,
  ) {}

  /** Opens the zoo in `dir`; `create`: make it (folder and index) when there is none. Refuses another schema version in one line. */
  static open(dir: string, opts: { create: boolean }): Zoo {
    const file = join(dir, INDEX_FILE);
    const fresh = !existsSync(file);
    if (fresh && !opts.create) throw new UserError(`${dir}: not a model zoo (no ${INDEX_FILE}); make one with rasplab sweep SPEC -o ${dir}`);
    if (fresh) mkdirSync(join(dir, MODELS_DIR), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(file, opts.create ? {} : { readonly: true, fileMustExist: true });
      if (fresh) {
        db.exec(SCHEMA);
        db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)').run('schema_version', String(ZOO_SCHEMA_VERSION));
      }
      const row = db.prepare("SELECT value FROM meta WHERE name = 'schema_version'").get() as { value: string } | undefined;
      const version = row ? Number(row.value) : NaN;
      if (version !== ZOO_SCHEMA_VERSION) {
        db.close();
        throw new UserError(
          `${file}: zoo index of schema version ${row?.value ?? '(none)'}; this rasplab reads version ${ZOO_SCHEMA_VERSION} (make a new zoo in another folder)`,
        );
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`${file}: not a zoo index this rasplab can read (${sqliteMessage(e)})`);
    }
    if (opts.create) mkdirSync(join(dir, MODELS_DIR), { recursive: true });
    return new Zoo(dir, db);
  }

  modelPath(key: string): string {
    return join(this.dir, MODELS_DIR, `${key}.safetensors`);
  }

  /** The keys that have a row. */
  keys(): Set<string> {
    return new Set((this.db.prepare('SELECT key FROM models').all() as { key: string }[]).map((r) => r.key));
  }

  /** Writes a finished job, model file then row; false (and nothing written) when the key has a row already. */
  write(job: Job, outcome: JobOutcome): boolean {
    if (this.db.prepare('SELECT 1 FROM models WHERE key = ?').get(job.key)) return false;
    writeFileAtomic(this.modelPath(job.key), outcome.model);
    const cols = columnsOf(job, outcome.figures);
    const row = { ...cols, settings: stableJson(job.settings), figures: stableJson(outcome.figures), wall_s: outcome.wallS, backend: outcome.backend };
    const names = Object.keys(row);
    this.db.transaction(() => {
      this.db.prepare(`INSERT OR IGNORE INTO models (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(row);
      this.db.prepare('DELETE FROM failures WHERE key = ?').run(job.key);
    })();
    return true;
  }

  /** Records that a job failed (after its retries), with the error; a later success replaces it. */
  fail(key: string, error: string, attempts: number): void {
    this.db.prepare('INSERT OR REPLACE INTO failures (key, error, attempts) VALUES (?, ?, ?)').run(key, error, attempts);
  }

  failures(): ZooFailure[] {
    return this.db.prepare('SELECT key, error, attempts FROM failures ORDER BY key').all() as ZooFailure[];
  }

  /** The rows, ordered by key, that `where` (an SQL condition over ZOO_COLUMNS, e.g. "test_acc > 0.9 AND layers = 1") selects. */
  rows(where?: string): ZooRow[] {
    const sql = `SELECT * FROM models${where ? ` WHERE ${where}` : ''} ORDER BY program, layers, heads, d_model, steps, lr, data_fraction, seed, key`;
    try {
      return this.db.prepare(sql).all() as ZooRow[];
    } catch (e) {
      throw new UserError(`--query '${where}': ${sqliteMessage(e)} (columns: ${ZOO_COLUMNS.join(', ')})`);
    }
  }

  close(): void {
    this.db.close();
  }
}
