/**
 * Sweeps through the Redis queue. An unreachable Redis is one line, exit 2, within seconds (no
 * server needed). With a redis-server binary on PATH and BullMQ's Redis client installed, each
 * test starts its own server on a free loopback port: 8 tiny jobs through the queue with 2 worker
 * processes give the index a local sweep gives, and a worker killed with SIGKILL mid-job still
 * leaves every job done once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisClient } from '../../cli/zoo/queue.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { indexFigures } from './indexFigures.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = 'fixtures/zoo/tiny.yaml';
const hasRedisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).status === 0;

/** A loopback port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('sweep --queue with no Redis to reach', () => {
  it('says so in one line within seconds, exit code 2', async () => {
    const tmp = tempDir();
    try {
      const url = `redis://127.0.0.1:${await freePort()}`;
      for (const argv of [
        ['sweep', SPEC, '-o', join(tmp.dir, 'zoo'), '--queue', url],
        ['worker', '--queue', url],
      ]) {
        const r = await cli(...argv);
        expect(r.code).toBe(2);
        expect(r.err).toBe(`rasplab: cannot reach Redis at ${url}: connection refused\n`);
      }
      const bad = await cli('worker', '--queue', 'http://127.0.0.1:6379');
      expect(bad.err).toMatch(/^rasplab: --queue 'http:\/\/127\.0\.0\.1:6379': give a redis:\/\/ URL/);
    } finally {
      tmp.cleanup();
    }
  });
});

function startWorker(url: string): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [join(ROOT, 'cli/bin.mjs'), 'worker', '--queue', url, '--workers', '1', '--lock-duration', '2000'], {
    cwd: ROOT,
    env: { ...process.env, RASPLAB_FROM_SOURCE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  return { child, log: () => log };
}

const until = async (f: () => boolean) => {
  while (!f()) await new Promise((r) => setTimeout(r, 50));
};

describe.skipIf(!hasRedisServer || !hasRedisClient())('sweep through the queue (own redis-server on loopback)', () => {
  const tmp = tempDir();
  let redis: ChildProcess;
  let url = '';
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await until(() => spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG');
  });
  afterAll(() => {
    for (const w of workers) w.kill('SIGTERM');
    redis?.kill('SIGTERM');
    tmp.cleanup();
  });

  it('gives the index a local sweep gives, with 2 worker processes', async () => {
    const local = await cli('sweep', SPEC, '-o', join(tmp.dir, 'local'), '--workers', '1');
    expect(local.code, local.err).toBe(0);
    workers.push(startWorker(url).child, startWorker(url).child);
    const queued = await cli('sweep', SPEC, '-o', join(tmp.dir, 'queued'), '--queue', url, '--json');
    expect(queued.code, queued.err).toBe(0);
    expect(JSON.parse(queued.out)).toMatchObject({ jobs: 8, done: 8, failed: [] });
    expect(indexFigures(join(tmp.dir, 'queued'))).toEqual(indexFigures(join(tmp.dir, 'local')));
    for (const w of workers.splice(0)) w.kill('SIGTERM');
  }, 180_000);

  it('finishes every job once when a worker is killed with SIGKILL mid-job', async () => {
    // other seeds: jobs of their own keys
    const spec = tmp.file('kill.yaml', readFileSync(join(ROOT, SPEC), 'utf8').replace('seeds: [0, 1]', 'seeds: [2, 3]'));
    const a = startWorker(url);
    workers.push(a.child);
    const sweep = cli('sweep', spec, '-o', join(tmp.dir, 'kill'), '--queue', url, '--json');
    await until(() => /done in/.test(a.log())); // one job done, the next one taken
    a.child.kill('SIGKILL');
    workers.push(startWorker(url).child);
    const r = await sweep;
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ jobs: 8, done: 8, failed: [] });
    const rows = indexFigures(join(tmp.dir, 'kill'));
    expect(new Set(rows.map((x) => x.key)).size).toBe(8);
  }, 180_000); // eight trainings, and a stalled job waits out its lock before another worker takes it
});
