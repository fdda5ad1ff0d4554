import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, progressLine } from '../../cli/progress.ts';
import type { TrainProgress } from '../../src/train/trainer.ts';

function fakeStream(isTTY: boolean) {
  const chunks: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write: (s: string) => {
      chunks.push(s);
      return true;
    },
    on: () => stream,
    removeListener: () => stream,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, chunks };
}

const at = (step: number): TrainProgress => ({
  step,
  steps: 300,
  loss: 0.12345,
  testAcc: 0.5,
  tokensPerSec: 1234.4,
  elapsedS: 65,
  etaS: 3725,
  backend: 'wasm',
});

describe('training progress', () => {
  it('formats durations compactly', () => {
    expect(formatDuration(5)).toBe('5s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });

  it('without a terminal, prints one line every N steps and at the end', () => {
    const { stream, chunks } = fakeStream(false);
    const p = createProgress({ total: 300, stream, lineEvery: 100 });
    for (let s = 1; s <= 300; s++) p.update({ ...at(s), steps: 300 });
    p.stop();
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toBe(progressLine(at(100)) + '\n');
    expect(chunks[0]).toMatch(/step 100\/300 {2}loss 0\.1235 {2}test acc 50\.0% {2}1234 tok\/s {2}1m05s elapsed, 1h02m left {2}\[wasm\]/);
  });

  it('on a terminal, draws a bar with steps, loss, accuracy, tokens/s and time left', () => {
    const { stream, chunks } = fakeStream(true);
    const p = createProgress({ total: 300, stream });
    p.update(at(150));
    p.stop();
    const text = chunks.join('');
    expect(text).toMatch(/150\/300/);
    expect(text).toMatch(/loss 0\.1235/);
    expect(text).toMatch(/acc 50\.0%/);
    expect(text).toMatch(/1234 tok\/s/);
    expect(text).toMatch(/1h02m left/);
  });
});
