/**
 * `rasplab inspect MODEL`: what each component of a saved model implements, and what its residual
 * directions stand for. Reads the file only (no tfjs).
 */
import { Command } from 'commander';
import { formatValue } from '../../src/rasp/values.ts';
import { formatJson } from '../format/json.ts';
import { componentRows, labelsProvenance, modelSummary, residualGroups } from '../format/inspect.ts';
import { ioOf, println } from '../format/output.ts';
import { renderTable } from '../format/table.ts';
import { allowNonFiniteOption, jsonOption, type ModelFileFlags } from '../options.ts';
import { loadModelArg } from '../probeContext.ts';
import { helpExamples } from '../format/invocation.ts';

export function register(program: Command): void {
  program
    .command('inspect')
    .summary("list a model's components and what each implements")
    .description(
      'List the components of a saved model — embeddings, every attention head (L.H), every labelled range of ' +
        'MLP neurons, the unembedding — with the RASP expression each implements (compiled models) and its ' +
        'weight shapes; then the residual stream directions grouped by the s-op they stand for.',
    )
    .argument('<model>', 'a .safetensors model file written by rasplab')
    .addOption(jsonOption())
    .addOption(allowNonFiniteOption())
    .addHelpText('after', helpExamples('inspect fixtures/models/reverse.compiled.safetensors', 'inspect fixtures/models/reverse.compiled.safetensors --json'))
    .action(async (modelSpec: string, flags: { json?: boolean } & ModelFileFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const model = await loadModelArg(modelSpec, flags);
      const components = componentRows(model);
      const residual = residualGroups(model.labels.residual);

      if (flags.json) {
        const c = model.config;
        io.out(
          formatJson({
            config: {
              origin: c.origin,
              layers: c.layers,
              dModel: c.dModel,
              nCtx: c.nCtx,
              vocab: c.vocab,
              output: c.output,
              causal: c.causal,
              normalization: c.normalization,
            },
            program: model.labels.program?.name ?? null,
            labelsInherited: model.labels.inherited ?? null,
            components,
            residual,
          }),
        );
        return;
      }
      println(io.out, modelSummary(model));
      const provenance = labelsProvenance(model);
      if (provenance) println(io.out, provenance);
      io.out(
        renderTable({
          head: ['layer', 'component', 'implements', 'shape'],
          rows: components.map((r) => [r.layer, r.component, r.implements, r.shape]),
          compact: true,
        }),
      );
      println(io.out, `residual stream: ${model.config.dModel} directions`);
      if (residual.length === 0) {
        println(io.out, '  (no direction labels: a learned model)');
        return;
      }
      io.out(
        renderTable({
          head: ['directions', 's-op', 'encoding', 'values'],
          rows: residual.map((g) => [
            g.end - g.start === 1 ? String(g.start) : `${g.start}–${g.end - 1}`,
            g.sop,
            g.encoding,
            g.values ? g.values.map(formatValue).join(' ') : '',
          ]),
          compact: true,
        }),
      );
    });
}
