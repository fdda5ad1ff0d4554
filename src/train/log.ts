/** The JSONL metrics log beside a trained model: learned.safetensors → learned.train.jsonl. */
import { appendChecked, writeFileAtomic } from '../files/atomicWrite.ts';

export function logPathFor(outputPath: string): string {
  return outputPath.replace(/(\.safetensors)?$/, '.train.jsonl');
}

/** A sink that appends one JSON object per line; `fresh` truncates the file first (a new run, not a resume). */
export function jsonlSink(file: string, fresh: boolean): (record: object) => void {
  if (fresh) writeFileAtomic(file, '', { makeFolder: true });
  return (record) => appendChecked(file, JSON.stringify(record) + '\n');
}
