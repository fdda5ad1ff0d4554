// A worker thread when rasplab runs from its TypeScript sources (tsx, vitest): a thread does not
// inherit its parent's loaders, so it registers tsx before importing the worker's module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
