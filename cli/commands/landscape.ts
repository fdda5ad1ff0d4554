/**
 * `rasplab landscape EXPERIMENT MODELS…`: the loss-landscape experiments, each one command that
 * prints a table (--json the probe's data) and, with --html/--svg, writes its figure on a report
 * page. Each experiment is a file in landscape/: volumes, barriers, lengths, data; what they share
 * (loading, options, how each ends) is landscape/experiment.ts.
 */
import type { Command } from 'commander';
import { helpExamples } from '../format/invocation.ts';
import { BARRIERS_EXAMPLES, registerBarriers } from './landscape/barriers.ts';
import { DATA_EXAMPLES, registerData } from './landscape/data.ts';
import { LENGTHS_EXAMPLES, registerLengths } from './landscape/lengths.ts';
import { registerVolumes, VOLUMES_EXAMPLES } from './landscape/volumes.ts';

export function register(program: Command): void {
  const cmd = program
    .command('landscape')
    .summary('loss-landscape experiments: volumes of minima, barriers between seeds and fine-tuned models, against length generalisation and data')
    .description(
      'Experiments on the loss landscape, each one command with a table (--json: the data) and, with --html FILE or --svg DIR, its figure. ' +
        '`volumes M…`: radius distributions and log-volumes of several models on the same inputs and directions. ' +
        '`barriers A B T`: the line barriers between two seeds A and B, and between each and T, A fine-tuned. ' +
        '`lengths M… --test-lengths L`: mean radius and barrier to a reference against exact match beyond the training lengths. ' +
        '`data M…`: mean radius and unseen exact match against the share of the training inputs each model trained on.',
    )
    .addHelpText('after', helpExamples(...VOLUMES_EXAMPLES, ...BARRIERS_EXAMPLES, ...LENGTHS_EXAMPLES, ...DATA_EXAMPLES));
  registerVolumes(cmd);
  registerBarriers(cmd);
  registerLengths(cmd);
  registerData(cmd);
}
