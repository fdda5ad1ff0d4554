/**
 * Model zoos: jobs per minute of a sweep of 8 small models of reverse (1 layer, d_model 16, 100
 * steps, verified and compared with the compiled model), with 1 and 2 local worker threads, and
 * through the Redis queue with 2 worker processes on loopback (started and ready before the clock
 * starts), which gives the queue's overhead per job against 2 local workers. The queue row is
 * skipped, saying why, without a redis-server binary or BullMQ's Redis client package.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTable } from '../../cli/format/table.ts';
import { main } from '../../cli/main.ts';
import { hasRedisClient } from '../../cli/zoo/queue.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JOBS = 8;
const SPEC = `programs: [reverse]
sizes:
  - { layers: 1, heads: 1, dModel: 16, attnOnly: true }
  - { layers: 1, heads: 2, dModel: 16 }
training: { vocab: [a, b, c, d], maxLen: 4, steps: [50, 100], batch: 32, lr: 0.01, testSize: 64 }
seeds: [0, 1]
analyses: { verify: { beyond: 1, samples: 500 }, compare: { samples: 64 } }
`;

async function sweepSeconds(args: readonly string[]): Promise<number> {
  const t0 = performance.now();
  let err = '';
  const code = await main([...args], { out: () => {}, err: (t) => void (err += t) });
  if (code !== 0) throw new Error(`sweep ${args.join(' ')} exited ${code}: ${err}`);
  return (performance.now() - t0) / 1000;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function queueSeconds(spec: string, out: string): Promise<number | string> {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status !== 0) return 'skipped: no redis-server on PATH';
  if (!hasRedisClient()) return "skipped: BullMQ's Redis client package (ioredis) is not installed";
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const children: ChildProcess[] = [
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }),
  ];
  try {
    while (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() !== 'PONG') await new Promise((r) => setTimeout(r, 50));
    const ready = Array.from({ length: 2 }, () => {
      const w = spawn(process.execPath, [join(ROOT, 'cli/bin.mjs'), 'worker', '--queue', url, '--workers', '1'], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(w);
      return new Promise<void>((resolve) => w.stderr.on('data', (d: Buffer) => /taking jobs/.test(d.toString()) && resolve()));
    });
    await Promise.all(ready);
    return await sweepSeconds(['sweep', spec, '-o', out, '--queue', url]);
  } finally {
    for (const c of children.reverse()) c.kill('SIGTERM');
  }
}

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rasplab-zoo-bench-'));
  try {
    const spec = join(dir, 'bench.yaml');
    writeFileSync(spec, SPEC);
    const one = await sweepSeconds(['sweep', spec, '-o', join(dir, 'one'), '--workers', '1']);
    const two = await sweepSeconds(['sweep', spec, '-o', join(dir, 'two'), '--workers', '2']);
    const queued = await queueSeconds(spec, join(dir, 'queued'));
    const perMin = (s: number) => ((60 * JOBS) / s).toFixed(1);
    const rows: (string | number)[][] = [
      ['local, 1 worker', one.toFixed(1), perMin(one), '-'],
      ['local, 2 workers', two.toFixed(1), perMin(two), '-'],
      typeof queued === 'number'
        ? ['queue, 2 worker processes', queued.toFixed(1), perMin(queued), `${(((queued - two) / JOBS) * 1000).toFixed(0)} ms`]
        : ['queue, 2 worker processes', '-', '-', queued],
    ];
    console.log(`zoo sweep of ${JOBS} small models of reverse (${availableParallelism()} cores; wall time includes starting the worker threads)`);
    console.log(renderTable({ head: ['how', 'seconds', 'jobs / min', 'queue overhead per job'], rows, compact: true }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
