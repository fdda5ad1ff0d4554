/**
 * `rasplab patch MODEL --corruption token --site blocks.1.hook_resid_pre@2` | `--component 1.0` |
 * `--sweep [--per-position]`: activation patching from clean into corrupted runs.
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import { parseHookName, type HookName } from '../../src/model/hooks.ts';
import type { Site } from '../../probes/intervene.ts';
import type { PatchResult } from '../../probes/patching.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { threadsOption } from '../options.ts';
import type { ThreadCount } from '../../src/threads/count.ts';

interface PatchFlags extends ProbeFlags {
  readonly corruption: string;
  readonly site: string[];
  readonly component: string[];
  readonly position?: number;
  readonly sweep?: boolean;
  readonly perPosition?: boolean;
  readonly threads: ThreadCount;
}

const collect = (v: string, prev: string[]) => [...prev, v];
/** "blocks.1.hook_resid_pre@2" → a site (position after @, BOS = 0). */
function parseSite(text: string, layers: number): Site {
  const [hook, pos] = text.split('@');
  const parsed = parseHookName(hook);
  if (!parsed) throw new UserError(`--site '${text}': '${hook}' is not a hook point (e.g. blocks.1.hook_resid_pre, blocks.0.attn.hook_z)`);
  if (parsed.layer !== undefined && parsed.layer >= layers) throw new UserError(`--site '${text}': the model has ${layers} layers`);
  if (pos !== undefined && !/^\d+$/.test(pos)) throw new UserError(`--site '${text}': the position after @ must be a number (BOS is 0)`);
  return { hook: hook as HookName, ...(pos !== undefined ? { position: Number(pos) } : {}) };
}

function rows(rs: readonly PatchResult[]): string[][] {
  return rs.map((r) => [
    r.site,
    Number.isNaN(r.recovery) ? '-' : r.recovery.toFixed(3),
    pct(r.exactMatch.patched),
    Number.isNaN(r.exactRecovery) ? '-' : r.exactRecovery.toFixed(3),
  ]);
}

export function register(program: Command): void {
  const cmd = program
    .command('patch')
    .summary('activation patching: which activations carry the answer')
    .description(
      'Pair each probe input with a corrupted one (--corruption token: one token changed; length: ' +
        'one token added or dropped; variable:NAME: a token change, else a length change, that alters the program variable NAME), ' +
        "run the corrupted input while writing the clean run's activation into a site, and report recovery of the clean answer's logit difference " +
        '((patched − corrupt) / (clean − corrupt)) and of exact match. Positions count from BOS = 0. ' +
        'Between inputs of different lengths, patching a residual-stream hook (resid_pre, resid_mid, resid_post) at a position ' +
        'also carries whether that position exists in the clean input, so patching the whole residual stream recovers the clean output.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(new Option('--corruption <kind>', 'token, length or variable:NAME').default('token'))
    .addOption(new Option('--site <hook[@pos]>', 'a hook point, optionally @position (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--component <c>', 'a component: 1.0, attn1, mlp0, L1, mlp0.n3, embed (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--position <n>', 'with --component: only this position (BOS = 0)').argParser(Number))
    .addOption(new Option('--sweep', "patch every layer's resid_pre and every component in turn"))
    .addOption(new Option('--per-position', 'with --sweep: also each position on its own'))
    .addOption(threadsOption('a sweep (same numbers on any count)', 'every core, up to 4, for sweeps of 2,000 runs of one input or more; else 1'))
    .addHelpText(
      'after',
      helpExamples(
        'patch fixtures/models/reverse.compiled.safetensors --component 1.0',
        'patch fixtures/models/reverse.compiled.safetensors --corruption variable:opp_index --sweep --per-position --json',
        'patch fixtures/models/reverse.compiled.safetensors --sweep --threads 2',
      ),
    )
    .action(async (modelSpec: string, flags: PatchFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { makeCorruptions, parseCorruption } = await import('../../probes/corruptions.ts');
      const { parseComponent } = await import('../../src/model/components.ts');
      const { hookSites } = await import('../../probes/hookSites.ts');
      const { patch, patchSweep } = await import('../../probes/patching.ts');
      const pairs = makeCorruptions(ctx.program, ctx.set, parseCorruption(flags.corruption), ctx.task, flags.seed);
      if (pairs.clean.inputs.length === 0) throw new UserError(`no input has a '${flags.corruption}' corruption that changes the program's output`);
      let results: PatchResult[];
      if (flags.sweep) results = await patchSweep(ctx.model, pairs, { perPosition: flags.perPosition, tolerance: flags.tolerance, threads: flags.threads });
      else {
        const sites: Site[] = [
          ...flags.site.map((s) => parseSite(s, ctx.model.config.layers.length)),
          ...flags.component.flatMap((t) =>
            hookSites(parseComponent(t, ctx.model.config), ctx.model.config).map((s) => ({
              ...s,
              ...(flags.position !== undefined ? { position: flags.position } : {}),
            })),
          ),
        ];
        if (sites.length === 0) throw new UserError('name what to patch (--site HOOK[@POS], --component 1.0) or give --sweep');
        results = [await patch(ctx.model, pairs, sites, { tolerance: flags.tolerance })];
      }
      if (flags.json) return void ctx.io.out(formatJson({ pairs: pairs.clean.inputs.length, skipped: pairs.skipped, results }));
      const r0 = results[0];
      println(ctx.io.out, `${pairs.clean.inputs.length} pairs (${pairs.skipped} inputs without a corruption that changes the output)`);
      println(
        ctx.io.out,
        `logit difference: clean ${r0.logitDiff.clean.toFixed(3)}, corrupt ${r0.logitDiff.corrupt.toFixed(3)}; ` +
          `exact match: clean ${pct(r0.exactMatch.clean)}, corrupt ${pct(r0.exactMatch.corrupt)}`,
      );
      ctx.io.out(
        renderTable({
          head: ['site', 'recovery', 'exact match', 'exact recovery'],
          rows: rows(results),
          align: ['left', 'right', 'right', 'right'],
          compact: true,
        }),
      );
    });
}
