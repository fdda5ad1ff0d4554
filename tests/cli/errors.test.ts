import { describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { reportError } from '../../cli/errors.ts';
import { RaspError, UserError } from '../../src/rasp/errors.ts';

describe('reportError', () => {
  it('user errors: one line, exit 2, no stack', () => {
    const r = reportError(new RaspError("unknown name 'lenght'", { file: 'x.rasp', line: 3, col: 14 }));
    expect(r).toEqual({ exitCode: 2, text: "rasplab: x.rasp:3:14: unknown name 'lenght'\n" });
    expect(reportError(new UserError('no such model file: m.safetensors'))).toEqual({
      exitCode: 2,
      text: 'rasplab: no such model file: m.safetensors\n',
    });
  });
  it('commander usage errors: one line without the "error:" prefix, exit 2', () => {
    const r = reportError(new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'evl'\n(Did you mean eval?)"));
    expect(r).toEqual({ exitCode: 2, text: "rasplab: unknown command 'evl' (Did you mean eval?)\n" });
  });
  it('help and version: exit 0, nothing more to print', () => {
    expect(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ exitCode: 0, text: '' });
  });
  it('unexpected errors: exit 1 with the stack', () => {
    const e = new TypeError('boom');
    const r = reportError(e);
    expect(r.exitCode).toBe(1);
    expect(r.text).toContain('boom');
    expect(r.text).toContain(e.stack!.split('\n')[1]!.trim());
  });
});
