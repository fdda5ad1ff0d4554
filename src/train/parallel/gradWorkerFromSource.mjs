// The gradient worker when rasplab runs from its TypeScript sources (tsx, vitest): a thread does
// not inherit its parent's loaders, so it registers tsx itself before importing the worker.
import { register } from 'tsx/esm/api';

register();
await import('./gradWorker.ts');
