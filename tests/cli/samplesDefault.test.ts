/**
 * Every command that draws probe inputs draws the same number when not told, so one ablation or
 * score reads the same in every command, the report and the TUI.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROBE_SAMPLES } from '../../probes/probeSamples.ts';
import { cli } from './harness.ts';

const COMMANDS = ['ablate', 'attention', 'compare', 'demo', 'neurons', 'patch', 'probe', 'prune', 'report', 'tui'];

describe('--samples default', () => {
  it.each(COMMANDS)('%s draws DEFAULT_PROBE_SAMPLES probe inputs unless told', async (command) => {
    const r = await cli(command, '--help');
    const line = r.out
      .replace(/\n\s{10,}/g, ' ')
      .split('\n')
      .find((l) => l.includes('--samples'));
    expect(line).toBeDefined();
    expect(line).toMatch(new RegExp(`\\(default: ${DEFAULT_PROBE_SAMPLES}\\)`));
  });
});
