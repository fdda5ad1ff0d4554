/**
 * `rasplab ablate MODEL --head 1.0 --mode mean` | `--component mlp0 …` | `--sweep`: knock out
 * components and report exact match, token accuracy and loss against the unablated model.
 */
import { Command, Option } from 'commander';
import type { ComponentRef } from '../../src/model/components.ts';
import type { AblationMode } from '../../probes/ablation.ts';
import { ablationResultText, blindSpotFootnotes, markBlind } from '../format/ablation.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';
import { threadsOption } from '../options.ts';
import type { ThreadCount } from '../../src/threads/count.ts';

interface AblateFlags extends ProbeFlags {
  readonly head: string[];
  readonly component: string[];
  readonly mode: AblationMode;
  readonly sweep?: boolean;
  readonly neurons?: boolean;
  readonly allModes?: boolean;
  readonly threads: ThreadCount;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  const cmd = program
    .command('ablate')
    .summary('ablate heads, sublayers, layers or neurons and measure the damage')
    .description(
      'Ablate components of a model (together) and report exact match, token accuracy, ' +
        'per-position accuracy and loss on probe inputs labelled by the program. ' +
        'Modes: zero (the component writes nothing), mean (its mean over the probe inputs, ' +
        'per position), resample (its activation on another input of the same length). ' +
        'A mode that cannot see a kind of dependence marks its numbers with † and says which under the table: ' +
        'resample cannot see what depends on the length alone, mean cannot see output that is nearly the same on most inputs. ' +
        'With --sweep, every head, attention and MLP sublayer and layer is ablated on its own: the ablation profile.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd)
    .addOption(new Option('--head <L.H>', 'a head to ablate, e.g. 1.0 (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--component <c>', 'a component: 1.0, attn1, mlp0, L1, mlp0.n12, embed (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--mode <mode>', 'ablation mode').choices(['zero', 'mean', 'resample']).default('zero'))
    .addOption(new Option('--sweep', 'ablate every component in turn'))
    .addOption(new Option('--neurons', 'with --sweep: every MLP neuron too'))
    .addOption(new Option('--all-modes', 'with --sweep: zero, mean and resample'))
    .addOption(threadsOption('a sweep (same numbers on any count)', 'every core, up to 4, for sweeps of 2,000 runs of one input or more; else 1'))
    .addHelpText(
      'after',
      helpExamples(
        'ablate fixtures/models/reverse.compiled.safetensors --head 1.0 --mode mean',
        'ablate fixtures/models/reverse.compiled.safetensors --sweep --json',
        'ablate fixtures/models/reverse.compiled.safetensors --sweep --all-modes --threads 2',
      ),
    )
    .action(async (modelSpec: string, flags: AblateFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { parseComponent } = await import('../../src/model/components.ts');
      const { ablate, ablationSweep, ABLATION_MODES } = await import('../../probes/ablation.ts');
      const picked: ComponentRef[] = [...flags.head, ...flags.component].map((t) => parseComponent(t, ctx.model.config));
      if (!flags.sweep && picked.length === 0) {
        const { UserError } = await import('../../src/rasp/errors.ts');
        throw new UserError('name what to ablate (--head 1.0, --component mlp0) or give --sweep');
      }
      const modes = flags.allModes ? [...ABLATION_MODES] : [flags.mode];
      const p = flags.sweep
        ? await ablationSweep(ctx.model, ctx.set, {
            modes,
            neurons: flags.neurons,
            seed: flags.seed,
            tolerance: flags.tolerance,
            components: picked.length ? picked : undefined,
            threads: flags.threads,
          })
        : await ablate(ctx.model, ctx.set, picked, flags.mode, { seed: flags.seed, tolerance: flags.tolerance }).then((r) => ({
            baseline: r.baseline,
            components: [r],
          }));
      const rows = p.components.map(ablationResultText).map((r) => ({
        component: r.component,
        mode: r.mode,
        exactMatch: r.exactMatch,
        tokenAccuracy: r.tokenAccuracy,
        loss: r.loss,
        perPosition: r.perPosition,
        ...(r.cannotSee ? { cannotSee: r.cannotSee } : {}),
      }));
      if (flags.json) return void ctx.io.out(formatJson({ baseline: p.baseline, components: rows }));
      println(
        ctx.io.out,
        `baseline: exact match ${pct(p.baseline.exactMatch)}, token accuracy ${pct(p.baseline.tokenAccuracy)}, loss ${p.baseline.loss.toFixed(4)}`,
      );
      ctx.io.out(
        renderTable({
          head: ['component', 'mode', 'exact match', 'token acc', 'loss', 'per position'],
          rows: rows.map((r) => [
            r.component,
            r.mode,
            markBlind(pct(r.exactMatch), r.mode),
            markBlind(pct(r.tokenAccuracy), r.mode),
            r.loss.toFixed(4),
            r.perPosition.map((x) => (Number.isNaN(x) ? '-' : Math.round(100 * x))).join(' '),
          ]),
          align: ['left', 'left', 'right', 'right', 'right', 'left'],
          compact: true,
        }),
      );
      for (const note of blindSpotFootnotes(rows.map((r) => r.mode))) println(ctx.io.out, note);
    });
}
