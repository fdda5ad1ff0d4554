/**
 * TensorFlow.js's CPU backend greets its first use under Node with a banner recommending
 * tfjs-node. rasplab picks its backend itself and says which one runs (backend.ts), so the
 * banner only repeats itself, once per process: every CLI run, every test file. Production mode
 * is tfjs's own switch for its console messages (in tfjs 4 it gates nothing else). Every module
 * of ours that imports tfjs imports this beside it, so no tensor is made before it has run.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);
