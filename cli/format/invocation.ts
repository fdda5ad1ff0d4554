/**
 * How a user runs rasplab: `npx rasplab …`. An `npm install` (a clone, or a project that depends
 * on rasplab) puts the command in node_modules/.bin, not on PATH, so a bare `rasplab …` does not
 * run; every command line the CLI prints for someone to type (replay lines, hints, help examples)
 * starts with this, as the README's do.
 */
export const INVOCATION = 'npx rasplab';

/** A command line to type: `npx rasplab ARGS`. */
export const commandLine = (args: string): string => `${INVOCATION} ${args}`;

/** The "Examples:" block of a command's help: each line typed as `$ npx rasplab ARGS`. */
export const helpExamples = (...args: string[]): string => `\nExamples:\n${args.map((a) => `  $ ${commandLine(a)}`).join('\n')}`;
