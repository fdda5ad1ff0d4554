/** One training run per output: a second run to the same -o is refused while the first is alive. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempDir } from './harness.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const TINY = [
  'reverse',
  '--vocab',
  'a,b',
  '--max-len',
  '2',
  '--layers',
  '1',
  '--heads',
  '1',
  '--d-model',
  '4',
  '--steps',
  '2',
  '--batch',
  '2',
  '--test-size',
  '2',
];
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
const train = (out: string) => cli('train', ...TINY, '--backend', 'cpu', '-o', out);

describe('rasplab train and the output lock', () => {
  it('refuses an output that a live process is writing, naming it, and touches none of its files', async () => {
    const out = join(tmp.dir, 'busy.safetensors');
    const log = join(tmp.dir, 'busy.train.jsonl');
    writeFileSync(`${out}.lock`, `${process.pid}\n`);
    writeFileSync(log, '{"type":"start"}\n');
    const r = await train(out);
    expect(r.err).toBe(`rasplab: ${out} is being written by another rasplab process (pid ${process.pid}); wait for it or choose another -o\n`);
    expect(r.code).toBe(2);
    expect(readFileSync(log, 'utf8')).toBe('{"type":"start"}\n');
    expect(readFileSync(`${out}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('takes over the lock of a process that died, and removes its own when done', async () => {
    const out = join(tmp.dir, 'stale.safetensors');
    writeFileSync(`${out}.lock`, `${deadPid()}\n`);
    const r = await train(out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it('releases the lock when the run fails', async () => {
    const out = join(tmp.dir, 'failed.safetensors');
    // A folder where the model file belongs: training runs, saving the model fails.
    const { mkdirSync } = await import('node:fs');
    mkdirSync(out);
    const r = await train(out);
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe(`rasplab: cannot write ${out}: it is a folder (EISDIR)`);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it("two processes: the second is refused with the first one's PID; Ctrl-C on the first lets go", async () => {
    const out = join(tmp.dir, 'shared.safetensors');
    const bin = resolve(__dirname, '../../cli/bin.mjs');
    const args = [...TINY, '--steps', '100000', '--eval-every', '100000', '--checkpoint-every', '100000', '--backend', 'cpu', '-o', out];
    // A checkpoint temporary from an earlier run that was killed: the run removes it before it starts.
    const killed = join(tmp.dir, `.shared.ckpt.${deadPid()}.tmp`);
    writeFileSync(killed, 'half a checkpoint');
    const first = spawn(process.execPath, [bin, 'train', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    await new Promise<void>((started) => first.stderr.on('data', (d) => (err += String(d)) && /on backend/.test(err) && started()));
    expect(existsSync(killed)).toBe(false);
    const second = await train(out);
    expect(second.err).toBe(`rasplab: ${out} is being written by another rasplab process (pid ${first.pid}); wait for it or choose another -o\n`);
    expect(second.code).toBe(2);
    first.kill('SIGINT');
    const code = await new Promise((done) => first.on('close', done));
    expect(err).not.toMatch(/rasplab:/);
    expect(code).toBe(130);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});
