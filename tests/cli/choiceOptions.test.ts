/** Every option that takes one of a fixed set of values refuses any other with exit 2, naming the valid ones. */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../cli/main.ts';
import { cli } from './harness.ts';

const choiceOptions = buildProgram().commands.flatMap((cmd) =>
  cmd.options.filter((o) => o.argChoices !== undefined).map((o) => [cmd.name(), o.long!, o.argChoices!] as const),
);

describe('options with a fixed set of values', () => {
  it('there are some, across several commands', () => {
    expect(choiceOptions.map(([cmd, flag]) => `${cmd} ${flag}`)).toEqual(expect.arrayContaining(['prune --method', 'ablate --mode', 'train --decay']));
  });

  it.each(choiceOptions)('%s %s bogus exits 2 naming the choices', async (cmd, flag, choices) => {
    const r = await cli(cmd, flag, 'bogus');
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(`argument 'bogus' is invalid. Allowed choices are ${choices.join(', ')}.`);
  });

  it('prune --method still collects several valid methods', () => {
    const prune = buildProgram().commands.find((c) => c.name() === 'prune')!;
    prune.parseOptions(['--method', 'heads', '--method', 'global']);
    expect(prune.opts().method).toEqual(['heads', 'global']);
  });
});
