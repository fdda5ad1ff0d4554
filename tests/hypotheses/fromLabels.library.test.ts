/**
 * `check --from-labels M M` on every library program: every compiled head's selector label is
 * read in the program's scope (none skipped), and the claim that the head implements its own
 * selector holds. Only the self-claims are run (one per head), on few inputs, to stay fast; the
 * command itself is run on the one-head `length` program.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClaims } from '../../probes/hypotheses/index.ts';
import { proposeFromLabels } from '../../probes/hypotheses/propose.ts';
import { formatHead } from '../../src/model/components.ts';
import { cli, tempDir } from '../cli/harness.ts';
import { libraryNames } from '../support/libraryExamples.ts';
import { loaded } from '../support/loaded.ts';
import { compiledLibrary, fastBackend } from './support.ts';

beforeAll(fastBackend);
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('a compiled model checked against its own labels', () => {
  for (const name of libraryNames())
    it(`${name}: every head is proposed and holds its own selector`, async () => {
      const { program, model } = compiledLibrary(name);
      const proposal = proposeFromLabels(model, model, program);
      expect(proposal.skipped).toEqual([]);
      const own = proposal.claims.filter((c) => c.head === formatHead(c.from));
      expect(own.map((c) => c.head)).toEqual(model.labels.heads.map(formatHead));
      const reports = await checkClaims(loaded(model), program, own, { numRuns: 15, seed: 0 });
      for (const [i, r] of reports.entries()) expect(r.passed, `${own[i].head}: ${own[i].implements}`).toBe(true);
    });
});

describe('rasplab check --from-labels M M', () => {
  it('on the compiled length program (whose one head reads the all-true selector) checks its head and exits 0', async () => {
    const model = join(tmp.dir, 'length.safetensors');
    expect((await cli('compile', 'length', '--max-len', '4', '-o', model)).code).toBe(0);
    const r = await cli('check', '--from-labels', model, model, '--runs', '15', '--json');
    expect(r.code, r.err).toBe(0);
    const out = JSON.parse(r.out);
    expect(out.skipped).toEqual([]);
    expect(
      out.proposals.map((p: { from: string; head: string; selector: string; passed: boolean }) => `${p.from}→${p.head} ${p.selector}: ${p.passed}`),
    ).toEqual(['0.0→0.0 select(tokens, tokens, True): true']);
  });
});
