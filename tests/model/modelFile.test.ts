import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeModel, loadModel, saveModel, serializeModel } from '../../src/model/modelFile.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/model/safetensors.ts';
import type { ModelData, WeightArray } from '../../src/model/types.ts';
import { isUserError } from '../../src/rasp/errors.ts';
import { randomModel, tinyConfig } from '../support/tinyModels.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'rasplab-model-'));

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    expect(isUserError(e), `not a user error: ${String(e)}`).toBe(true);
    return e as Error;
  }
  return expect.fail('expected an error');
}

/** A parsed header, edited by hand in every way a file can be broken: any shape goes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RawHeader = Record<string, any>;

/** Header length field, JSON header, data: for editing files by hand. */
function split(bytes: Uint8Array): { header: RawHeader; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}
function join3(headerText: string, data: Uint8Array): Uint8Array {
  const hb = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

const model = randomModel(tinyConfig(), 2);

describe('safetensors codec', () => {
  it('round-trips shapes, values and metadata (property)', () => {
    const tensorArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }).chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        data: fc.float32Array({ minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
      }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((s) => s !== '__metadata__'),
          tensorArb,
        ),
        fc.dictionary(fc.string(), fc.string()),
        (tensors, meta) => {
          const map = new Map<string, WeightArray>(Object.entries(tensors));
          const back = decodeSafetensors(encodeSafetensors(map, meta), 'x');
          expect([...back.tensors.keys()].sort()).toEqual([...map.keys()].sort());
          for (const [k, w] of map) {
            expect(back.tensors.get(k)!.shape).toEqual(w.shape);
            // Bitwise equality (NaN payloads and -0 included).
            expect(new Uint32Array(back.tensors.get(k)!.data.buffer)).toEqual(new Uint32Array(Float32Array.from(w.data).buffer));
          }
          expect(back.metadata).toEqual(meta);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the header is standard: u64 length, F32 entries with data_offsets, data aligned to 8', () => {
    const bytes = encodeSafetensors(new Map([['a', { shape: [2], data: new Float32Array([1, 2]) }]]), { k: 'v' });
    const { header, data } = split(bytes);
    expect(header).toEqual({ __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect((bytes.length - data.length) % 8).toBe(0);
    expect(new Float32Array(data.slice().buffer)).toEqual(new Float32Array([1, 2]));
  });
});

describe('model files', () => {
  it('save then load gives the same config, labels, training record and weights', () => {
    const dir = tmp();
    const file = join(dir, 'm.safetensors');
    const m: ModelData = {
      ...model,
      labels: {
        residual: [{ index: 0, sop: 'tokens', value: 'a', encoding: 'categorical', role: 'tokens' }],
        heads: [],
        mlps: [],
        program: { name: 'p', output: 'out' },
      },
      training: { program: 'p', vocab: ['a'], minLen: 1, maxLen: 3, seed: 4, steps: 10, backend: 'cpu', testAcc: 0.5 },
    };
    saveModel(file, m);
    const back = loadModel(file);
    expect(back.config).toEqual(m.config);
    expect(back.labels).toEqual(m.labels);
    expect(back.training).toEqual(m.training);
    expect([...back.weights.keys()].sort()).toEqual([...m.weights.keys()].sort());
    for (const [k, w] of m.weights) {
      expect(back.weights.get(k)!.shape).toEqual(w.shape);
      expect(back.weights.get(k)!.data).toEqual(w.data);
    }
    // Atomic save: nothing but the model is left in the folder.
    expect(readdirSync(dir)).toEqual(['m.safetensors']);
    // Reproducible bytes.
    expect(serializeModel(back)).toEqual(new Uint8Array(readFileSync(file)));
  });

  it.each([
    [
      'training maxLen 0',
      { training: { program: 'p', vocab: ['a'], minLen: 1, maxLen: 0, seed: 0, steps: 1, backend: 'cpu' } },
      /'rasplab\.training' is wrong: maxLen 0/,
    ],
    [
      'training minLen -1',
      { training: { program: 'p', vocab: ['a'], minLen: -1, maxLen: 3, seed: 0, steps: 1, backend: 'cpu' } },
      /minLen -1 is not a positive/,
    ],
    [
      'a number as program source',
      { labels: { residual: [], heads: [], mlps: [], program: { name: 'p', output: 'o', source: 3 } } },
      /program\.source 3 is not text/,
    ],
  ])('a model with %s is never written', (_, over, pattern) => {
    expect(errorOf(() => serializeModel({ ...model, ...(over as Partial<ModelData>) })).message).toMatch(pattern);
  });

  it('a file written before directions had roles loads with each role derived', () => {
    const file = join(tmp(), 'old.safetensors');
    const residual = [
      { index: 0, sop: 'one', encoding: 'numerical' },
      { index: 1, sop: 'bos', encoding: 'numerical' },
      { index: 2, sop: 'tokens', value: 'a', encoding: 'categorical' },
      { index: 3, sop: 'indices', value: 0, encoding: 'categorical' },
      { index: 4, sop: 'rev', value: 'a', encoding: 'categorical' },
      { index: 5, sop: 'length:1/(w+1)', encoding: 'numerical' },
    ] as const;
    saveModel(file, { ...model, labels: { residual, heads: [], mlps: [] } });
    expect(loadModel(file).labels.residual.map((d) => d.role)).toEqual(['fixed', 'fixed', 'tokens', 'indices', 'sop', 'temp']);
  });

  it('a failed save leaves no temporary file and says which path', () => {
    const dir = tmp();
    const target = join(dir, 'no-such-dir', 'm.safetensors');
    const e = errorOf(() => saveModel(target, model));
    expect(e.message).toContain(target);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a missing file is a user error naming it', () => {
    const f = join(tmp(), 'absent.safetensors');
    expect(errorOf(() => loadModel(f)).message).toBe(`${f}: cannot read model file (no such file)`);
  });

  const bytes = serializeModel(model);
  const { header, data } = split(bytes);
  const headerLen = bytes.length - data.length - 8;

  it.each([0, 4, 7, 8, 20, 8 + headerLen - 1, 8 + headerLen, 8 + headerLen + 3, bytes.length - 1])('truncated at %i bytes: says so, naming the file', (cut) => {
    const e = errorOf(() => deserializeModel(bytes.subarray(0, cut), 'cut.safetensors'));
    expect(e.message).toMatch(/^cut\.safetensors: truncated: /);
  });

  it('bytes that do not open with a JSON header are not a safetensors file, not a truncated one', () => {
    const text = new TextEncoder().encode('# vocab: a b c\nx = indices;\n');
    expect(errorOf(() => deserializeModel(text, 'p.rasp')).message).toMatch(/^p\.rasp: not a safetensors model file \(/);
  });

  it('a header length beyond the file names both sizes', () => {
    const edited = bytes.slice();
    new DataView(edited.buffer).setBigUint64(0, BigInt(1e12), true);
    expect(errorOf(() => deserializeModel(edited, 'f')).message).toBe(
      `f: truncated: header says 1000000000000 bytes, file has ${bytes.length - 8} after the length field`,
    );
  });

  const edit = (mutate: (h: RawHeader) => void): Uint8Array => {
    const h = structuredClone(header);
    mutate(h);
    return join3(JSON.stringify(h), data);
  };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['bad JSON', () => join3('{"a": [1, 2', data), /^f: header is not valid JSON/],
    ['JSON that is not an object', () => join3('[1]', data), /^f: header does not start with '\{'/],
    ['missing format metadata', () => edit((h) => delete h.__metadata__['rasplab.format']), /^f: not a rasplab model: metadata 'rasplab.format' is missing/],
    ['no metadata at all', () => edit((h) => delete h.__metadata__), /^f: not a rasplab model/],
    ['future format', () => edit((h) => (h.__metadata__['rasplab.format'] = '9')), /^f: model format "9" is not supported/],
    ['missing config', () => edit((h) => delete h.__metadata__['rasplab.config']), /^f: metadata 'rasplab.config' is missing/],
    ['config not JSON', () => edit((h) => (h.__metadata__['rasplab.config'] = '{oops')), /^f: metadata 'rasplab.config' is not valid JSON/],
    [
      'config with a bad field',
      () => edit((h) => (h.__metadata__['rasplab.config'] = JSON.stringify({ ...model.config, actFn: 'tanh' }))),
      /^f: metadata 'rasplab.config': actFn "tanh"/,
    ],
    [
      'a vocabulary listing a token twice',
      () => edit((h) => (h.__metadata__['rasplab.config'] = JSON.stringify({ ...model.config, vocab: ['BOS', 'a', 'b', 'a'] }))),
      /^f: metadata 'rasplab.config': vocab lists "a" twice/,
    ],
    [
      'an output class listed twice',
      () => edit((h) => (h.__metadata__['rasplab.config'] = JSON.stringify({ ...model.config, output: { encoding: 'categorical', values: ['a', 'a', 'c'] } }))),
      /^f: metadata 'rasplab.config': output.values lists "a" twice/,
    ],
    ...(
      [
        [
          'a direction past the residual',
          { residual: [{ index: 8, sop: 'x', encoding: 'numerical' }] },
          /residual\[0\]\.index 8 is not a residual direction of the model \(it has 8\)/,
        ],
        [
          'a direction of no encoding',
          { residual: [{ index: 0, sop: 'x', encoding: 'both' }] },
          /residual\[0\]\.encoding "both" is not one of categorical, numerical/,
        ],
        [
          'a head the layer lacks',
          { heads: [{ layer: 1, head: 1, expr: 'e', selector: 's', writes: 'w', kind: 'selector-width' }] },
          /heads\[0\]\.head 1 is not a head of layer 1 of the model \(it has 1\)/,
        ],
        [
          'a layer the model lacks',
          { heads: [{ layer: 3, head: 0, expr: 'e', selector: 's', writes: 'w', kind: 'selector-width' }] },
          /heads\[0\]\.layer 3 is not a layer of the model \(it has 3\)/,
        ],
        [
          'neurons past the MLP',
          { mlps: [{ layer: 0, neurons: [2, 9], expr: 'e', writes: 'w', reads: [], kind: 'categorical-map' }] },
          /mlps\[0\]\.neurons \[2,9\] is not a range \[start, end\) of layer 0's 5 neurons/,
        ],
      ] as const
    ).map(([name, over, pattern]): [string, () => Uint8Array, RegExp] => [
      name,
      () => edit((h) => (h.__metadata__['rasplab.labels'] = JSON.stringify({ residual: [], heads: [], mlps: [], ...over }))),
      pattern,
    ]),
    ['labels not an object', () => edit((h) => (h.__metadata__['rasplab.labels'] = '3')), /^f: metadata 'rasplab.labels': not a JSON object/],
    ['dtype F16', () => edit((h) => (h['embed.W_E'].dtype = 'F16')), /^f: tensor 'embed.W_E': dtype "F16" is not supported/],
    [
      'offsets past the data',
      () => edit((h) => (h['unembed.b_U'].data_offsets = [data.length, data.length + 12])),
      /^f: truncated: tensor 'unembed.b_U' ends at byte \d+ but the data section has \d+ bytes/,
    ],
    [
      'offsets of the wrong size',
      () => edit((h) => (h['embed.W_E'].data_offsets[1] += 4)),
      /^f: tensor 'embed.W_E': data_offsets \[0, 132\] hold 132 bytes, shape \[4, 8\] needs 128/,
    ],
    [
      'overlapping tensors',
      () => edit((h) => (h['unembed.b_U'].data_offsets = [0, 12])),
      /^f: tensor 'embed.W_E' begins at byte 0, inside the bytes before it/,
    ],
    [
      'wrong shape',
      () =>
        edit((h) => {
          h['blocks.0.attn.W_Q'].shape = [2, 3, 8];
        }),
      /^f: weight 'blocks.0.attn.W_Q' has shape \[2, 3, 8\], the config needs \[2, 8, 3\]/,
    ],
    [
      'missing weight',
      () => encodeSafetensors(new Map([...model.weights].filter(([k]) => k !== 'blocks.1.attn.W_O')), header.__metadata__),
      /^f: weight 'blocks.1.attn.W_O' is missing/,
    ],
    [
      'unknown weight',
      () => edit((h) => (h['blocks.7.attn.W_Q'] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] })),
      /^f: unknown weight 'blocks.7.attn.W_Q'/,
    ],
  ];
  it.each(cases)('%s is a user error saying what is wrong', (_, make, pattern) => {
    expect(errorOf(() => deserializeModel(make(), 'f')).message).toMatch(pattern);
  });

  it('an edited file that is still consistent loads (the checks are not over-strict)', () => {
    const back = deserializeModel(
      edit(() => {}),
      'f',
    );
    expect(back.config).toEqual(model.config);
  });
});
