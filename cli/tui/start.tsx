/**
 * Puts the UI on a real terminal: the alternate screen (so quitting gives the shell its screen
 * back as it was), synchronised and incremental redraws (no flicker), Ctrl+C as well as q to
 * quit. Resolves when the UI has exited and the terminal is restored.
 */
import { render } from 'ink';
import { App, type AppProps } from './App.tsx';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';
const CLEAR_SCREEN = '\x1b[2J\x1b[H';

export interface Terminal {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

export async function startTui(props: Omit<AppProps, 'size'>, term: Terminal = { stdin: process.stdin, stdout: process.stdout }): Promise<void> {
  term.stdout.write(ENTER_ALT_SCREEN);
  // A terminal that changes size rewraps the old frame, which Ink's line-by-line erase then misses:
  // start from a clean screen. Registered before Ink's own listener, so it runs first.
  const onResize = () => term.stdout.write(CLEAR_SCREEN);
  term.stdout.on('resize', onResize);
  const app = render(<App {...props} />, {
    stdin: term.stdin,
    stdout: term.stdout,
    exitOnCtrlC: true,
    patchConsole: true,
    incrementalRendering: false,
  });
  try {
    await app.waitUntilExit();
  } finally {
    app.cleanup();
    term.stdout.off('resize', onResize);
    term.stdout.write(LEAVE_ALT_SCREEN);
  }
}
