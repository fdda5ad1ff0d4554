/**
 * How many probe inputs a command draws when not told (--samples): one number for every command,
 * so that the same ablation or score reads the same in `ablate`, `compare`, the report and the TUI.
 * Its own file, importing nothing, so that the CLI can show it in --help without loading the probes.
 */
export const DEFAULT_PROBE_SAMPLES = 300;
