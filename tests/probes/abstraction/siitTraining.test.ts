/**
 * Strict IIT's training mechanism on a tiny reverse run: which variable, pairs and non-circuit node
 * each step trains; one-position pairs of differing lengths that move length and opp_index; the
 * loss falls; and a run stopped and resumed from its checkpoint ends with the weights of one run
 * straight through (the trainer's AdamW state and schedule carried in the checkpoint).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAlignment } from '../../../probes/abstraction/alignmentMap.ts';
import { interchangePairs } from '../../../probes/abstraction/pairs.ts';
import { trainSiit, type SiitOptions } from '../../../probes/abstraction/siit.ts';
import { siitStepPlan } from '../../../probes/abstraction/siitPlan.ts';
import { programVariable } from '../../../src/rasp/counterfactual.ts';
import { loadCheckpoint } from '../../../src/train/checkpoint.ts';
import { cli, tempDir } from '../../cli/harness.ts';
import { fastBackend } from '../../hypotheses/support.ts';
import { compiled, config, program } from './tinyReverse.ts';

beforeAll(fastBackend);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const task = { vocab: ['a', 'b'], minLen: 1, maxLen: 3 };
const base = (): SiitOptions => ({
  config,
  program,
  compiled,
  alignment: defaultAlignment(compiled),
  task,
  steps: 8,
  batch: 16,
  lr: 3e-3,
  seed: 0,
  weights: { task: 1, iit: 1, strict: 1 },
  backend: tf.getBackend(),
  evalPairs: 10,
});

describe('what each SIIT step trains', () => {
  it('every variable gets both kinds of pairs and every non-circuit node its turn, for odd and even variable counts', () => {
    for (const [nVariables, nInert] of [
      [3, 3],
      [2, 3],
      [1, 0],
    ]) {
      const plans = Array.from({ length: 4 * nVariables * Math.max(1, nInert) }, (_, step) => siitStepPlan(step, nVariables, nInert));
      for (let v = 0; v < nVariables; v++) expect(new Set(plans.filter((p) => p.variable === v).map((p) => p.at))).toEqual(new Set(['all', 'random']));
      expect(new Set(plans.map((p) => p.inert))).toEqual(new Set(nInert ? Array.from({ length: nInert }, (_, i) => i) : [null]));
    }
    expect(siitStepPlan(5, 0, 2)).toEqual({ variable: null, at: 'all', inert: null });
  });

  it('one-position pairs differ in length, so patching length or opp_index changes what the program outputs', () => {
    for (const v of ['length', 'opp_index']) {
      const p = interchangePairs(program, programVariable(program, v), task, 40, 3, 'random', compiled.config.output);
      expect(p.base.some((b, i) => b.length !== p.source[i].length)).toBe(true);
      expect(p.counterfactual.some((cf, i) => JSON.stringify(cf) !== JSON.stringify(p.baseOutput[i]))).toBe(true);
      // Pairs patched at every position have one length: length and opp_index cannot differ there.
      const all = interchangePairs(program, programVariable(program, v), task, 40, 3, 'all', compiled.config.output);
      expect(all.base.every((b, i) => b.length === all.source[i].length)).toBe(true);
    }
  });
});

describe('SIIT training', () => {
  it('the task loss falls', async () => {
    const losses: number[] = [];
    await trainSiit({ ...base(), steps: 26, onProgress: (_step, _steps, l) => losses.push(l.task) });
    expect(losses).toHaveLength(2);
    expect(losses[1], String(losses)).toBeLessThan(0.8 * losses[0]);
  });

  it('the strict term zeroes the non-circuit node beside patching it when asked to', async () => {
    const weights = async (o: Partial<SiitOptions>) => [...(await trainSiit({ ...base(), ...o })).model.weights.values()].map((w) => [...w.data]);
    const strictOnly = { steps: 1, weights: { task: 0, iit: 0, strict: 1 } };
    expect(await weights({ ...strictOnly, strictZero: true })).not.toEqual(await weights(strictOnly));
    // Without the strict term, nothing else zeroes a node.
    const noStrict = { steps: 1, weights: { task: 1, iit: 1, strict: 0 } };
    expect(await weights({ ...noStrict, strictZero: true })).toEqual(await weights(noStrict));
  });

  it('the IIT term trains every aligned variable each step when asked to', async () => {
    const weights = async (o: Partial<SiitOptions>) => [...(await trainSiit({ ...base(), ...o })).model.weights.values()].map((w) => [...w.data]);
    expect(await weights({ steps: 1, weights: { task: 0, iit: 1, strict: 0 } })).not.toEqual(
      await weights({ steps: 1, weights: { task: 0, iit: 1, strict: 0 }, iitAllVariables: true }),
    );
    expect(await weights({ steps: 1, weights: { task: 0, iit: 0, strict: 1 } })).toEqual(
      await weights({ steps: 1, weights: { task: 0, iit: 0, strict: 1 }, iitAllVariables: true }),
    );
  });

  it('a run stopped at step 4 and resumed ends with the weights of one run straight through; a changed run is refused', async () => {
    const straight = await trainSiit({ ...base(), checkpoint: { path: join(tmp.dir, 'a.ckpt'), every: 100, resume: false } });
    const ckpt = join(tmp.dir, 'b.ckpt');
    const stopped = await trainSiit({ ...base(), checkpoint: { path: ckpt, every: 100, resume: false }, shouldStop: (s) => s === 4 });
    expect([stopped.status, stopped.steps, loadCheckpoint(ckpt).step]).toEqual(['interrupted', 4, 4]);
    const notes: string[] = [];
    const resumed = await trainSiit({ ...base(), checkpoint: { path: ckpt, every: 100, resume: true }, onNote: (m) => notes.push(m) });
    expect(notes).toEqual([`resuming from step 4 (${ckpt})`]);
    expect([resumed.status, resumed.steps]).toEqual(['completed', 8]);
    for (const [name, w] of straight.model.weights) expect(resumed.model.weights.get(name)!.data, name).toEqual(w.data);
    await expect(trainSiit({ ...base(), lr: 1e-2, checkpoint: { path: ckpt, every: 100, resume: true } })).rejects.toThrow(
      /checkpoint is from a different run \(differs in: lr\)/,
    );
  });

  it('rasplab train --siit writes a checkpoint beside the output and --resume continues it', async () => {
    const c = join(tmp.dir, 'rev.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '3', '-o', c)).code).toBe(0);
    const out = join(tmp.dir, 'rev.siit.safetensors');
    const flags = ['train', '--siit', c, '--d-model', '16', '--batch', '8', '-o', out, '--json'];
    expect((await cli(...flags, '--steps', '3')).code).toBe(0);
    expect(existsSync(join(tmp.dir, 'rev.siit.ckpt'))).toBe(true);
    const r = await cli(...flags, '--steps', '5', '--resume');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/resuming from step 3/);
    expect(r.err).toMatch(/--steps is 5 where the checkpointed run had 3/);
    expect(loadCheckpoint(join(tmp.dir, 'rev.siit.ckpt')).step).toBe(5);
  });

  it('Ctrl-C stops rasplab train --siit at the next step with a checkpoint saved, exit 130, and lets go of the lock', async () => {
    const c = join(tmp.dir, 'int.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '3', '-o', c)).code).toBe(0);
    const out = join(tmp.dir, 'int.siit.safetensors');
    const bin = resolve(__dirname, '../../../cli/bin.mjs');
    const args = ['train', '--siit', c, '--d-model', '16', '--batch', '8', '--steps', '3000', '--checkpoint-every', '100000', '-o', out];
    const run = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((started) => run.stderr.on('data', (d) => (err += String(d)) && /step 26\//.test(err) && started()));
    run.kill('SIGINT');
    const code = await new Promise((done) => run.on('close', done));
    expect(err).toMatch(/interrupted at step \d+: checkpoint saved to .*int\.siit\.ckpt; continue with --resume/);
    expect(code).toBe(130);
    expect(loadCheckpoint(join(tmp.dir, 'int.siit.ckpt')).step).toBeLessThan(3000);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it('rasplab train --siit refuses an output a live process is writing, and lets go of its own lock when done', async () => {
    const c = join(tmp.dir, 'lock.safetensors');
    expect((await cli('compile', 'reverse', '--vocab', 'a,b', '--max-len', '3', '-o', c)).code).toBe(0);
    const out = join(tmp.dir, 'lock.siit.safetensors');
    const flags = ['train', '--siit', c, '--d-model', '16', '--batch', '8', '--steps', '2', '-o', out, '--json'];
    writeFileSync(`${out}.lock`, `${process.pid}\n`);
    const refused = await cli(...flags);
    expect(refused.err).toBe(`rasplab: ${out} is being written by another rasplab process (pid ${process.pid}); wait for it or choose another -o\n`);
    expect(refused.code).toBe(2);
    expect(readFileSync(`${out}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    expect(existsSync(out)).toBe(false);
    rmSync(`${out}.lock`);
    const r = await cli(...flags);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});
