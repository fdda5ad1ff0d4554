import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { helpLine, helpText, keyAction, KEYS, NO_KEY } from '../../cli/tui/keys.ts';

const key = (k: Partial<Key> = {}): Key => ({ ...NO_KEY, ...k });

describe('TUI keys', () => {
  it('maps every documented key to an action', () => {
    expect(keyAction('', key({ upArrow: true }), false)).toEqual({ type: 'move', by: -1 });
    expect(keyAction('j', key(), false)).toEqual({ type: 'move', by: 1 });
    expect(keyAction('', key({ pageDown: true }), false)).toEqual({ type: 'move', by: 10 });
    expect(keyAction('', key({ end: true }), false)).toEqual({ type: 'moveTo', to: 'last' });
    expect(keyAction('', key({ rightArrow: true }), false)).toEqual({ type: 'open' });
    expect(keyAction('h', key(), false)).toEqual({ type: 'close' });
    expect(keyAction('', key({ tab: true }), false)).toEqual({ type: 'focus' });
    const letters = Object.fromEntries([' ', 'm', 'c', 'e', 'r', '?', 'q'].map((c) => [c, keyAction(c, key(), false)?.type]));
    expect(letters).toEqual({ ' ': 'toggle', m: 'cycleMode', c: 'clear', e: 'edit', r: 'random', '?': 'help', q: 'quit' });
    expect(keyAction('x', key(), false)).toBeNull();
  });

  it('in the editor, letters are text and Enter, Esc and Backspace edit', () => {
    expect(keyAction('q', key(), true)).toEqual({ type: 'type', text: 'q' });
    expect(keyAction('', key({ return: true }), true)).toEqual({ type: 'accept' });
    expect(keyAction('', key({ escape: true }), true)).toEqual({ type: 'cancel' });
    expect(keyAction('', key({ delete: true }), true)).toEqual({ type: 'erase' });
    expect(keyAction('', key({ upArrow: true }), true)).toBeNull();
    expect(keyAction('u', key({ ctrl: true }), true)).toEqual({ type: 'clearLine' });
  });

  it('the help line fits the width and names the keys', () => {
    for (const width of [60, 80, 120])
      for (const vs of [false, true]) {
        const line = helpText(helpLine(width, { vs, editing: false }));
        expect(line.length).toBeLessThanOrEqual(width);
        expect(line).toContain('? help');
        if (width >= 80) for (const k of ['↑↓', '→←', 'm', 'c', 'e', 'r', 'q']) expect(line).toContain(k);
        if (width >= 80) expect(line.includes('tab')).toBe(vs);
      }
    expect(helpText(helpLine(80, { vs: false, editing: true }))).toMatch(/Enter accept.*Esc cancel/);
  });

  it('the help table lists each key once', () => {
    const names = KEYS.map((k) => k.keys);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['space', 'm', 'c', 'e', 'r', 'tab', '?', 'q']));
  });
});
