import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { loadModel } from '../../src/model/modelFile.ts';

async function rasplab(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rasplab-cli-train-'));
const base = ['--vocab', 'a,b,c', '--max-len', '4', '--layers', '1', '--heads', '1', '--d-model', '8'];

describe('rasplab train', () => {
  it.each([
    ['an unknown program', ['nosuchprogram', ...base], /no library program named 'nosuchprogram'/],
    ['a vocabulary holding BOS', ['reverse', ...base, '--vocab', 'a,BOS'], /--vocab must not contain 'BOS'/],
    ['--min-len above --max-len', ['reverse', ...base, '--min-len', '5'], /--min-len 5 is above --max-len 4/],
    ['a zero --d-model', ['reverse', ...base, '--d-model', '0'], /--d-model must be a positive integer, got 0/],
    ['negative --layers', ['reverse', ...base, '--layers', '-2'], /--layers must be a positive integer, got -2/],
    ['--heads not dividing --d-model', ['reverse', ...base, '--heads', '3'], /--heads 3 does not divide --d-model 8/],
    ['--and-mask outside (0, 1]', ['reverse', ...base, '--and-mask', '0'], /--and-mask must be in \(0, 1\], got 0/],
    ['a non-numeric --lr', ['reverse', ...base, '--lr', 'fast'], /--lr expects a number, got 'fast'/],
    ['a missing model size', ['reverse', '--vocab', 'a,b', '--max-len', '4'], /give the model size/],
    ['--threads that is not a count', ['reverse', ...base, '--threads', 'many'], /--threads must be 'auto' or an integer from 1 to 64, got 'many'/],
  ])('rejects %s with a one-line user error (exit 2)', async (_name, args, message) => {
    const r = await rasplab('train', ...args, '-o', path.join(tmp(), 'm.safetensors'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('--threads 2 sums each step over two threads, says so, and records it in the log and the model', async () => {
    const dir = tmp();
    const out = path.join(dir, 'm.safetensors');
    const r = await rasplab(
      'train',
      'reverse',
      ...base,
      '--steps',
      '10',
      '--batch',
      '16',
      '--test-size',
      '32',
      '--threads',
      '2',
      '--backend',
      'cpu',
      '-o',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/on backend cpu, 2 threads/);
    expect(r.out).toMatch(/tokens\/s on cpu \(2 threads\)/);
    expect(loadModel(out).training?.threads).toBe(2);
    const start = JSON.parse(fs.readFileSync(path.join(dir, 'm.train.jsonl'), 'utf8').split('\n')[0]);
    expect(start).toMatchObject({ type: 'start', threads: 2 });
  });

  it('--lr 1e308 stops with exit 2 naming the step and a lower --lr, and writes no model', async () => {
    const out = path.join(tmp(), 'm.safetensors');
    const r = await rasplab('train', 'reverse', ...base, '--lr', '1e308', '--steps', '5', '--backend', 'cpu', '-o', out);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^rasplab: training diverged at step 1: .*; try a lower --lr \(this run's is 1e\+308\)$/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('trains, saves a model that verify accepts without naming the program, and writes the JSONL log', async () => {
    const dir = tmp();
    const out = path.join(dir, 'learned.safetensors');
    const r = await rasplab(
      'train',
      'reverse',
      ...base,
      '--steps',
      '20',
      '--batch',
      '16',
      '--test-size',
      '32',
      '--log-every',
      '10',
      '--backend',
      'cpu',
      '-o',
      out,
    );
    expect(r.err).toMatch(/on backend cpu/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/20 steps/);
    const model = loadModel(out);
    expect(model.training?.backend).toBe('cpu');
    expect(model.labels.program?.name).toBe('reverse');
    expect(model.labels.program?.source).toBeTruthy();
    const log = fs
      .readFileSync(path.join(dir, 'learned.train.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ type: 'start', backend: 'cpu' });
    expect(log.filter((l) => l.type === 'step')).toHaveLength(2);
    expect(fs.existsSync(path.join(dir, 'learned.ckpt'))).toBe(true);
    const v = await rasplab('verify', out);
    expect([0, 1]).toContain(v.code);
  });

  it("--init-from M fine-tunes on M's vocabulary and lengths (not the program header's), stays exact, and says whose labels it carries", async () => {
    // reverse.rasp's header says vocab a–e, max-len 5; the compiled model knows a–c up to length 3.
    const dir = tmp();
    const compiled = path.join(dir, 'compiled.safetensors');
    const tuned = path.join(dir, 'tuned.safetensors');
    expect((await rasplab('compile', 'reverse', '--vocab', 'a,b,c', '--max-len', '3', '-o', compiled)).code).toBe(0);
    // --lr as in `train --help`: 10 such steps took it from 100% to 85% while its logits were fine-tuned as compiled.
    const r = await rasplab(
      'train',
      'reverse',
      '--init-from',
      compiled,
      '--steps',
      '10',
      '--lr',
      '1e-4',
      '--batch',
      '16',
      '--test-size',
      '64',
      '--backend',
      'cpu',
      '-o',
      tuned,
    );
    expect(r.err).not.toMatch(/lacks/);
    expect(r.code).toBe(0);
    expect(r.out).toContain('exact match: train 100.0%, test 100.0%');
    const model = loadModel(tuned);
    expect(model.training).toMatchObject({ vocab: ['a', 'b', 'c'], minLen: 1, maxLen: 3 });
    // Recorded relative to the tuned model's folder, so the file says nothing of where it was made.
    expect(model.labels.inherited).toEqual({ file: 'compiled.safetensors', origin: 'compiled' });
    const v = JSON.parse((await rasplab('verify', tuned, '--json', '--backend', 'cpu')).out);
    expect(v).toMatchObject({ checked: 3 + 9 + 27, agreement: 1 });
    const inspect = await rasplab('inspect', tuned);
    expect(inspect.out).toContain('labels: from the compiled model compiled.safetensors, before fine-tuning');
  });
});

describe('rasplab train, interrupted', () => {
  it('Ctrl-C saves a checkpoint and exits cleanly; --resume continues from it', async () => {
    const { spawn } = await import('node:child_process');
    const dir = tmp();
    const out = path.join(dir, 'run.safetensors');
    const bin = path.resolve(__dirname, '../../cli/bin.mjs');
    const args = [
      'train',
      'reverse',
      ...base,
      '--steps',
      '100000',
      '--batch',
      '8',
      '--test-size',
      '16',
      '--eval-every',
      '100000',
      '--backend',
      'cpu',
      '-o',
      out,
    ];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let signalled = false;
    child.stderr.on('data', (d) => {
      err += String(d);
      if (/on backend/.test(err) && !signalled) {
        signalled = true; // once: a second Ctrl-C abandons the checkpoint
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toMatch(/interrupted at step (\d+): checkpoint saved/);
    expect(code).toBe(130);
    const stoppedAt = Number(/interrupted at step (\d+)/.exec(err)![1]);
    expect(fs.existsSync(path.join(dir, 'run.ckpt'))).toBe(true);
    expect(fs.existsSync(out)).toBe(false);

    const r = await rasplab('train', ...args.slice(1).map((a) => (a === '100000' ? String(stoppedAt + 2) : a)), '--resume');
    expect(r.err).toMatch(new RegExp(`resuming from step ${stoppedAt}`));
  }, 60_000);
});
