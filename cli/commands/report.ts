/**
 * `rasplab report A [B] [--html FILE] [--svg DIR]`: a self-contained HTML report of one model, or
 * of two side by side (attention, ablation, pruning, probes, training curve, comparison tables).
 */
import { basename } from 'node:path';
import { Command, Option } from 'commander';
import type { Value } from '../../src/rasp/values.ts';
import { ablationProfileText } from '../format/ablation.ts';
import { formatJson } from '../format/json.ts';
import { ioOf, println } from '../format/output.ts';
import { checkLength, existingModelPath, parseInput, parsePositiveInt } from '../options.ts';
import { UserError } from '../../src/rasp/errors.ts';
import { openModel } from '../openModel.ts';
import { addProbeOptions, loadModelArg, programOf, type ProbeFlags } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

export const DEFAULT_REPORT = 'rasplab-report.html';

interface ReportFlags extends ProbeFlags {
  readonly html?: string;
  readonly svg?: string;
  readonly input?: string[];
  readonly landscape?: boolean;
  readonly directions: number;
  readonly neurons?: boolean;
}

const collectInputs = (text: string, prev: string[] | undefined): string[] => [...(prev ?? []), text];

export function register(program: Command): void {
  const cmd = program
    .command('report')
    .summary('an HTML report (d3 SVG figures) of one model, or two side by side')
    .description(
      'Probe one model, or compare two (typically compiled A and learned B), and write a self-contained HTML page: attention heatmaps per head, ' +
        'the ablation profile, pruning curves for every method, linear-probe accuracy per layer for each program variable, the training curve ' +
        '(from <model>.train.jsonl beside a learned model) and tables comparing the two. ' +
        'The page needs no network: CSS and SVG are inline, there are no scripts.',
    )
    .argument('<a>', 'a .safetensors model file (the first, typically compiled)')
    .argument('[b]', 'a second model file to compare with (typically learned)');
  addProbeOptions(cmd)
    .addOption(new Option('--html <file>', `where to write the HTML page (default ${DEFAULT_REPORT}, unless only --svg or --json is given)`))
    .addOption(new Option('--svg <dir>', 'also write each figure as its own .svg file into this folder'))
    .addOption(
      new Option('--input <tokens>', 'an input to draw attention on, e.g. "a b c" (repeat for several; default: two examples)').argParser(collectInputs),
    )
    .option('--landscape', 'also draw the loss on the straight line between two models of one shape (aligned) and each model’s radii along random directions')
    .addOption(new Option('--directions <n>', 'with --landscape: random directions per model').argParser(parsePositiveInt('--directions')).default(20))
    .option('--neurons', 'draw the discovered circuit with each MLP neuron a node (as discover --neurons)')
    .addHelpText(
      'after',
      helpExamples(
        'report fixtures/models/reverse.compiled.safetensors fixtures/models/reverse.learned.safetensors --html report.html --svg figures/',
        'report fixtures/models/reverse.learned.safetensors fixtures/models/reverse.learned.seed1.safetensors --landscape --directions 10 --samples 100',
        'report fixtures/models/reverse.learned.safetensors --program reverse --input "a b c d" --samples 100 --seed 1',
        'report fixtures/models/reverse.compiled.safetensors --neurons --svg figures/ --samples 30',
      ),
    )
    .action(async (aSpec: string, bSpec: string | undefined, flags: ReportFlags, c: Command) => {
      const io = ioOf(c);
      if (!flags.landscape && c.getOptionValueSource('directions') === 'cli') throw new UserError('--directions goes with --landscape');
      const specs = bSpec === undefined ? [aSpec] : [aSpec, bSpec];
      const models = await Promise.all(specs.map((s) => loadModelArg(s, flags)));
      const program = await programOf(models[0], aSpec, flags.program);
      const { collectReport } = await import('../report/collect.ts');
      const { commonTask } = await import('../../probes/probeSet.ts');
      const { trainingCurveFor } = await import('../report/trainingLog.ts');
      const task = commonTask(models);
      const examples = flags.input?.map((t): Value[] => {
        const input = parseInput(t, task.vocab);
        checkLength(input, task.maxLen);
        return input;
      });
      const { selectBackend } = await import('../../src/model/backend.ts');
      const backend = await selectBackend(flags.backend);
      if (!flags.json) io.err(`backend: ${backend}\n`);
      const loaded = await Promise.all(models.map(openModel));
      const data = await collectReport(
        specs.map((s, i) => ({ model: loaded[i], file: basename(s), training: trainingCurveFor(existingModelPath(s)) })),
        program,
        {
          samples: flags.samples,
          seed: flags.seed,
          tolerance: flags.tolerance,
          backend,
          examples,
          landscape: flags.landscape ? { directions: flags.directions } : undefined,
          neurons: flags.neurons,
          onStage: flags.json ? undefined : (what) => io.err(`  ${what}…\n`),
        },
      );
      const html = flags.html ?? (flags.svg === undefined && !flags.json ? DEFAULT_REPORT : undefined);
      const { writeReport } = await import('../report/write.ts');
      const written = writeReport(data, { html, svgDir: flags.svg });
      if (flags.json) return void io.out(formatJson({ ...data, models: data.models.map((m) => ({ ...m, ablation: ablationProfileText(m.ablation) })) }));
      if (written.html) println(io.out, `report → ${written.html} (${written.figures} figures)`);
      if (flags.svg !== undefined) println(io.out, `figures → ${written.svgFiles.length} .svg files in ${flags.svg}`);
    });
}
