/**
 * Options a command cannot run without. Commander's own makeOptionMandatory() is checked before
 * unknown options, so a mistyped `--inptu "a b"` was reported as a missing --input; these are
 * checked in a preAction hook, after commander has refused unknown options with a suggestion.
 */
import { Option, type Command } from 'commander';

const required = new WeakSet<Option>();

/** An option the command refuses to run without. */
export function requiredOption(flags: string, description: string): Option {
  const o = new Option(flags, description);
  required.add(o);
  return o;
}

/** Install on the root command: refuses to run `action` when one of its required options is missing. */
export function checkRequiredOptions(_root: Command, action: Command): void {
  for (const o of action.options)
    if (required.has(o) && action.getOptionValue(o.attributeName()) === undefined)
      action.error(`required option '${o.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
}
