/**
 * End to end in a real terminal: the CLI in a detached 80×24 tmux session on a private tmux
 * server, driven with send-keys and read with capture-pane.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './session.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const SOCKET = `rasplab-tui-test-${process.pid}`;
const SESSION = 'tui';

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}
const screenOf = (session: string) => tmux('capture-pane', '-p', '-t', session);
const screen = () => screenOf(SESSION);
const exact = (s: string) => Number(s.match(/exact (\d+\.\d)%/)?.[1] ?? NaN);

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
});

describe('rasplab tui in tmux', () => {
  const title = 'runs at 80×24, ablates the flip head, restores it, and quits cleanly with q';
  it.skipIf(!hasTmux)(hasTmux ? title : `${title} (skipped: tmux is not installed)`, async () => {
    // After the UI: its exit code, and whether the terminal is back in canonical (line) mode.
    const cmd =
      'node cli/bin.mjs tui fixtures/models/reverse.compiled.safetensors --samples 60; echo "tui exited with $?"; ' +
      `if stty -a | grep -Eq '(^| )icanon( |$)'; then echo 'terminal: canonical'; else echo 'terminal: raw'; fi; exec sleep 600`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', SESSION, '-c', ROOT, cmd);
    const first = await waitFor(screen, (s) => /exact 100\.0%/.test(s) && /model .*✓/.test(s), 'the UI to start', 45_000);
    expect(first).toMatch(/^rasplab tui · program reverse · mode zero/);
    const lines = first.split('\n');
    expect(lines.some((l) => l.startsWith('↑↓ move'))).toBe(true);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(80);

    tmux('send-keys', '-t', SESSION, 'Down', 'Down', 'Down');
    await waitFor(screen, (s) => /›\s+(◆ )?head 1\.0/.test(s), 'the cursor on head 1.0');
    tmux('send-keys', '-t', SESSION, 'Space');
    const broken = await waitFor(screen, (s) => exact(s) < 50, 'exact match to fall');
    expect(broken).toMatch(/›✗\s+(◆ )?head 1\.0/);
    tmux('send-keys', '-t', SESSION, 'Space');
    await waitFor(screen, (s) => exact(s) === 100 && !s.includes('✗'), 'exact match back at 100%');

    tmux('send-keys', '-t', SESSION, 'q');
    const after = await waitFor(screen, (s) => s.includes('tui exited with'), 'the UI to exit');
    expect(after).toContain('tui exited with 0');
    await waitFor(screen, (s) => s.includes('terminal: '), 'the terminal mode');
    expect(screen()).toContain('terminal: canonical');
    // The alternate screen is gone: the shell's screen is back, with nothing of the UI left on it.
    expect(after).not.toContain('rasplab tui ·');
  });

  const narrow = 'at 70 columns with --vs: whole numbers, an editor that adds tokens, and a clear line when it gets narrower';
  it.skipIf(!hasTmux)(hasTmux ? narrow : `${narrow} (skipped: tmux is not installed)`, async () => {
    const S = 'narrow';
    const see = () => screenOf(S);
    const cmd =
      'node cli/bin.mjs tui fixtures/models/reverse.compiled.safetensors --vs fixtures/models/reverse.learned.safetensors --samples 40; exec sleep 600';
    tmux('new-session', '-d', '-x', '70', '-y', '24', '-s', S, '-c', ROOT, cmd);
    await waitFor(see, (s) => (s.match(/exact 100\.0%/g) ?? []).length === 2, 'both panes', 45_000);
    for (const l of see().split('\n')) expect([...l].length).toBeLessThanOrEqual(70);

    // e, then two more tokens: each is a token of its own, and both are named.
    tmux('send-keys', '-t', S, 'e');
    tmux('send-keys', '-t', S, '-l', 'x y');
    tmux('send-keys', '-t', S, 'Enter');
    await waitFor(see, (s) => /input tokens \d+ 'x' and \d+ 'y' are not in the vocabulary/.test(s), 'both bad tokens named');

    // ctrl+U replaces the whole input; the compiled length head spreads 1/9 over BOS and 8 tokens.
    tmux('send-keys', '-t', S, 'C-u');
    tmux('send-keys', '-t', S, '-l', 'a b c d e a b c');
    tmux('send-keys', '-t', S, 'Enter');
    const map = await waitFor(see, (s) => /^input +a b c d e a b c$/m.test(s) && /model +c b a e d c b a +✓/.test(s), 'the new input');
    expect(map).toMatch(/^BOS 100 {2}· {2}·/m);
    expect(map).toMatch(/^ {2}e {2}11 11 11 11 11 11 11 11 11 /m);

    tmux('resize-window', '-t', S, '-x', '60', '-y', '24');
    await waitFor(see, (s) => s.replace(/\s+/g, ' ').includes('rasplab tui needs 63 columns for two models; this terminal has 60 (q quits)'), 'the needs line');
    tmux('resize-window', '-t', S, '-x', '70', '-y', '24');
    await waitFor(see, (s) => (s.match(/exact 100\.0%/g) ?? []).length === 2, 'both panes again');
    tmux('kill-session', '-t', S);
  });
});
