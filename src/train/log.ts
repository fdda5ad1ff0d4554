/** The JSONL metrics log beside a trained model: learned.safetensors → learned.train.jsonl. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function logPathFor(outputPath: string): string {
  return outputPath.replace(/(\.safetensors)?$/, '.train.jsonl');
}

/** A sink that appends one JSON object per line; `fresh` truncates the file first (a new run, not a resume). */
export function jsonlSink(file: string, fresh: boolean): (record: object) => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fresh) fs.writeFileSync(file, '');
  return (record) => fs.appendFileSync(file, JSON.stringify(record) + '\n');
}
