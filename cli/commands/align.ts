/**
 * `rasplab align MODEL --variable V [--rank k] [--directions COMPILED]`: where in the residual
 * stream a program variable lives (given directions, and DAS subspaces with the illusion check).
 */
import { Command, Option } from 'commander';
import { UserError } from '../../src/rasp/errors.ts';
import type { AlignResult } from '../../probes/abstraction/align.ts';
import type { HookName } from '../../src/model/hooks.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, loadModelArg, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { parsePositiveInt } from '../options.ts';

interface AlignFlags extends ProbeFlags {
  readonly variable: string[];
  readonly rank: number;
  readonly steps: number;
  readonly pairs: number;
  readonly hook: string[];
  readonly directions?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];
/** IIA at or above this counts as "found". */
const FOUND = 0.9;

function report(r: AlignResult): string[] {
  const lines: string[] = [];
  lines.push(`variable ${r.variable}: ${r.trainPairs} training and ${r.testPairs} held-out pairs, one random position each; DAS rank ${r.rank}`);
  if (r.givenNote) lines.push(`given directions: none (${r.givenNote})`);
  const best = r.sites.find((s) => s.hook === r.best.hook)!;
  lines.push(
    renderTable({
      head: ['site', 'given IIA', 'DAS IIA', 'read rank', 'restricted', 'restricted IIA', 'illusion'],
      rows: r.sites.map((s) => [
        s.hook,
        s.given ? pct(s.given.iia) : '-',
        pct(s.das.iia),
        String(s.illusion.readRank),
        String(s.illusion.restrictedRank),
        pct(s.illusion.iiaRestricted),
        s.illusion.illusion ? 'yes' : 'no',
      ]),
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
      compact: true,
    }).trimEnd(),
  );
  const found = r.best.iia >= FOUND;
  lines.push(
    found
      ? `best site: ${r.best.hook} (IIA ${pct(r.best.iia)}); rank needed: ${r.rankNeeded} (${r.ranks.map((x) => `rank ${x.rank}: ${pct(x.iia)}`).join(', ')})`
      : `not found: no residual read point holds '${r.variable}' at one position in a rank-${r.rank} subspace (best ${r.best.hook}, IIA ${pct(r.best.iia)})`,
  );
  if (best.das.byPosition.length) lines.push(`IIA by position at ${r.best.hook}: ${best.das.byPosition.map((p) => `${p.position}: ${pct(p.iia)}`).join(', ')}`);
  if (best.illusion.illusion)
    lines.push(`warning: at ${r.best.hook} the effect goes through directions later components do not read (an interpretability illusion)`);
  return lines;
}

export function register(program: Command): void {
  const cmd = program
    .command('align')
    .summary('alignment search: where in the residual stream does a program variable live?')
    .description(
      "At every residual-stream read point (each layer's resid_pre and resid_mid, and the last resid_post), interchange a subspace " +
        'at one random position per base/source pair and score IIA against the program with the variable overridden there: ' +
        '(a) the labelled directions of --directions COMPILED, when its residual stream has this model’s width; ' +
        '(b) a rank --rank subspace trained by distributed alignment search (DAS: orthonormal columns trained by gradient descent on the cross-entropy ' +
        'of the intervened output against the counterfactual). Every DAS subspace is also restricted to the directions later components read ' +
        '(W_Q, W_K, W_V, W_in, W_U behind their layer norms) and scored again: ' +
        'an effect that disappears went through a dormant direction (the illusion check). ' +
        'Reports IIA per site, the best site, IIA per position there, and the smallest rank (1, 2, 4, … up to --rank) within a point of the full rank.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab (learned or compiled)');
  addProbeOptions(cmd)
    .addOption(new Option('--variable <name>', 'a program variable (repeatable; required)').argParser(collect).default([]))
    .addOption(new Option('--rank <k>', 'dimension of the DAS subspace').argParser(parsePositiveInt('--rank')).default(4))
    .addOption(new Option('--steps <n>', 'DAS optimisation steps per site').argParser(parsePositiveInt('--steps')).default(150))
    .addOption(new Option('--pairs <n>', 'training pairs (as many again are held out)').argParser(parsePositiveInt('--pairs')).default(256))
    .addOption(new Option('--hook <hook>', 'only this residual-stream hook (repeatable; default: every read point)').argParser(collect).default([]))
    .addOption(
      new Option(
        '--directions <compiled>',
        "a compiled model whose labelled directions are tried as given directions (default: the model's own labels, if any)",
      ),
    )
    .addHelpText(
      'after',
      helpExamples(
        'align fixtures/models/reverse.learned.safetensors --variable tokens --rank 5 --steps 40 --pairs 128 --hook blocks.0.hook_resid_pre',
        'align fixtures/models/reverse.learned.safetensors --variable length --variable opp_index --hook blocks.1.hook_resid_pre --steps 30 --pairs 64 --json',
        'align fixtures/models/reverse.learned.seed1.safetensors --variable reverse --hook blocks.1.hook_resid_mid --steps 30 --pairs 64',
      ),
    )
    .action(async (modelSpec: string, flags: AlignFlags, c: Command) => {
      if (flags.variable.length === 0) throw new UserError('name the program variable to look for: --variable NAME (tokens, indices, length or a named s-op)');
      const ctx = await probeContext(modelSpec, flags, c, undefined, { ownInputs: true });
      const { align, residualReadPoints } = await import('../../probes/abstraction/align.ts');
      const { programVariable } = await import('../../src/rasp/counterfactual.ts');
      for (const v of flags.variable) programVariable(ctx.program, v);
      const D = ctx.model.config.dModel;
      if (flags.rank > D) throw new UserError(`--rank ${flags.rank} is larger than the residual stream it is a subspace of (d_model ${D})`);
      const points = residualReadPoints(ctx.model.config);
      for (const h of flags.hook)
        if (!points.includes(h as HookName)) throw new UserError(`--hook ${h}: not a residual-stream read point of this model (${points.join(', ')})`);
      const directions = flags.directions ? await loadModelArg(flags.directions, flags) : ctx.model.labels.residual.length ? ctx.model : undefined;
      const results: AlignResult[] = [];
      for (const variable of flags.variable)
        results.push(
          await align(ctx.model, ctx.program, variable, {
            rank: flags.rank,
            steps: flags.steps,
            pairs: flags.pairs,
            seed: flags.seed,
            task: ctx.task,
            directions,
            tolerance: flags.tolerance,
            hooks: flags.hook.length ? (flags.hook as HookName[]) : undefined,
            onSite: flags.json ? undefined : (hook, done, of) => ctx.io.err(`${variable}: ${hook} done (${done}/${of})\n`),
          }),
        );
      if (flags.json) {
        const plain = results.map((r) => ({ ...r, sites: r.sites.map(({ basis, ...s }) => ({ ...s, basis: { shape: basis.shape, data: [...basis.data] } })) }));
        return void ctx.io.out(formatJson({ program: ctx.program.name, results: plain }));
      }
      for (const r of results) println(ctx.io.out, report(r).join('\n') + '\n');
    });
}
