import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cli } from './harness.ts';
import { buildProgram } from '../../cli/main.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('help', () => {
  it('`node cli/bin.mjs --help` works end to end and lists every command', () => {
    const r = spawnSync(process.execPath, ['cli/bin.mjs', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    for (const c of ['eval', 'compile', 'run', 'inspect', 'verify']) expect(r.stdout).toMatch(new RegExp(`^\\s+${c} `, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  const commands = buildProgram()
    .commands.map((c) => c.name())
    .filter((n) => n !== 'help');

  it.each(commands)('`%s --help` describes every flag and gives an example', async (name) => {
    const r = await cli(name, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Examples?:\n\s+\$ npx rasplab /);
    const cmd = buildProgram().commands.find((c) => c.name() === name)!;
    for (const opt of cmd.options) {
      expect(opt.description, `${name} ${opt.flags}`).not.toBe('');
      expect(r.out).toContain(opt.long ?? opt.short!);
    }
    for (const arg of cmd.registeredArguments) expect(arg.description, `${name} <${arg.name()}>`).not.toBe('');
  });

  it('no command prints help on stderr and exits 2; an unknown command suggests one', async () => {
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: rasplab');
    const typo = await cli('evl');
    expect(typo.code).toBe(2);
    expect(typo.err).toBe("rasplab: unknown command 'evl' (Did you mean eval?)\n");
  });

  it('--version prints the package version', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
