/** The worker side of thread.ts: answers each request with `handle`'s value, or with what it threw. */
import { parentPort } from 'node:worker_threads';
import type { Reply } from './thread.ts';

export function serve<Req, Res>(handle: (msg: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error('a worker module runs only in a worker thread');
  port.on('message', (msg: Req) => {
    void (async () => {
      let reply: Reply<Res>;
      try {
        reply = { ok: true, value: await handle(msg) };
      } catch (e) {
        reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
      }
      port.postMessage(reply);
    })();
  });
}
