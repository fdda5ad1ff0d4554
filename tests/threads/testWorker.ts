/** A worker for thread.test.ts: doubles numbers, throws on 'throw', exits the thread with code 3 on 'exit'. */
import { serve } from '../../src/threads/serve.ts';

serve<number | 'throw' | 'exit', number>(async (m) => {
  if (m === 'throw') throw new Error('asked to throw');
  if (m === 'exit') process.exit(3);
  await new Promise((r) => setTimeout(r, 20));
  return 2 * m;
});
