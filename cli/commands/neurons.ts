/**
 * `rasplab neurons MODEL`: MLP activation statistics, and with --variables how well each neuron
 * tracks each program variable.
 */
import { Command, Option } from 'commander';
import { formatValue } from '../../src/rasp/values.ts';
import { formatComponent } from '../../src/model/components.ts';
import { formatJson } from '../format/json.ts';
import { println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { parsePositiveInt } from '../options.ts';
import { pct } from '../format/percent.ts';
import { addProbeOptions, probeContext, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

interface NeuronFlags extends ProbeFlags {
  readonly top: number;
  readonly variables?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command('neurons')
    .summary('MLP neuron statistics and what each neuron tracks')
    .description(
      'For every MLP neuron: the share of real-token positions where it fires, ' +
        'its mean and largest activation, and the inputs that excite it most; dead neurons per layer. ' +
        'With --variables: for each neuron and program variable, the values it fires for (one value, a threshold such as <= 2, ' +
        "or a set), chosen by the balanced accuracy of one cut on its activation, with that cut's accuracy against the majority baseline " +
        'and the mutual information in bits.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab');
  addProbeOptions(cmd, { scoresOutputs: false })
    .addOption(new Option('--top <k>', 'top-activating inputs per neuron').argParser(parsePositiveInt('--top')).default(3))
    .addOption(new Option('--variables', 'also fit each neuron to each program variable'))
    .addHelpText(
      'after',
      helpExamples(
        'neurons fixtures/models/reverse.compiled.safetensors',
        'neurons fixtures/models/reverse.learned.safetensors --program reverse --variables --json',
      ),
    )
    .action(async (modelSpec: string, flags: NeuronFlags, c: Command) => {
      const ctx = await probeContext(modelSpec, flags, c);
      const { neuronActivations, neuronStats, neuronVariableFits } = await import('../../probes/neurons.ts');
      const { programVariables } = await import('../../probes/variables.ts');
      const acts = await neuronActivations(ctx.model, ctx.set);
      const stats = await neuronStats(ctx.model, ctx.set, { acts, topK: flags.top });
      const fits = flags.variables ? neuronVariableFits(acts, programVariables(ctx.program, ctx.set.inputs)) : undefined;
      if (flags.json) return void ctx.io.out(formatJson({ ...stats, fits }));
      ctx.io.out(
        renderTable({
          head: ['layer', 'neurons', 'dead', 'mean active'],
          rows: stats.layers.map((l) => [l.layer, l.dMlp, l.dead, pct(l.meanFractionActive)]),
          compact: true,
        }),
      );
      ctx.io.out(
        renderTable({
          head: ['neuron', 'active', 'mean', 'max', 'top input (position)'],
          rows: stats.neurons.map((n) => [
            formatComponent({ kind: 'neuron', layer: n.layer, neuron: n.neuron }),
            pct(n.fractionActive),
            n.mean.toFixed(3),
            n.max.toFixed(3),
            n.top[0] ? `${n.top[0].input.map(formatValue).join(' ')} (${n.top[0].position})` : '-',
          ]),
          compact: true,
        }),
      );
      if (!fits) return;
      println(ctx.io.out, 'best variable per neuron:');
      const best = new Map<string, (typeof fits)[number]>();
      for (const f of fits) {
        const k = formatComponent({ kind: 'neuron', layer: f.layer, neuron: f.neuron });
        const b = best.get(k);
        if (!b || f.balancedAccuracy > b.balancedAccuracy) best.set(k, f);
      }
      ctx.io.out(
        renderTable({
          head: ['neuron', 'variable', 'fires for', 'balanced', 'accuracy', 'baseline', 'MI (bits)'],
          rows: [...best].map(([k, f]) =>
            f.target === '-'
              ? [k, '-', '-', '-', '-', '-', f.mutualInformation.toFixed(3)]
              : [k, f.variable, f.target, pct(f.balancedAccuracy), pct(f.accuracy), pct(f.baseline), f.mutualInformation.toFixed(3)],
          ),
          compact: true,
        }),
      );
    });
}
