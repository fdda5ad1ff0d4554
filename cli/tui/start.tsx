/**
 * Puts the UI on a real terminal: the alternate screen (so quitting gives the shell its screen
 * back as it was), synchronised and incremental redraws (no flicker), Ctrl+C as well as q to
 * quit. Resolves when the UI has exited and the terminal is restored.
 */
import { render } from 'ink';
import { App, type AppProps } from './App.tsx';

const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

export interface Terminal {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

export async function startTui(props: Omit<AppProps, 'size'>, term: Terminal = { stdin: process.stdin, stdout: process.stdout }): Promise<void> {
  term.stdout.write(ENTER_ALT_SCREEN);
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
    term.stdout.write(LEAVE_ALT_SCREEN);
  }
}
