// TensorFlow.js peer of bench/lstm/bench.ts: the same LSTM training step as peer_torch.py
// (hidden 64, window 100, batch 64, input 1, a linear readout at every step, mean squared
// error after a burn-in of 10 steps, gradient clipped to global norm 1, Adam 3e-3), float32,
// on TF.js's wasm backend (SIMD; Node runs it single-threaded).
//
//   node bench/lstm/peer_tfjs.mjs PEER_DIR [--reps 30] [--backend wasm|cpu]
//
// PEER_DIR holds node_modules with @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm
// (bench/run.sh installs them into bench/.peers/tfjs; they are not lawful's dependencies).
// Prints RESULT {"ms_per_step": median, ...}.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const peerDir = resolve(args[0] ?? 'bench/.peers/tfjs');
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const reps = Number(opt('--reps', 30));
const backend = opt('--backend', 'wasm');

const require = createRequire(join(peerDir, 'package.json'));
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
await tf.setBackend(backend);
await tf.ready();

const H = 64, T = 100, B = 64, BURN_IN = 10;
const lstm = tf.layers.lstm({ units: H, returnSequences: true, inputShape: [T, 1] });
const head = tf.layers.dense({ units: 1 });
const model = tf.sequential({ layers: [lstm, head] });
const x = tf.randomNormal([B, T, 1], 0, 1, 'float32', 123);
const y = tf.randomNormal([B, T, 1], 0, 1, 'float32', 456);
const yLive = y.slice([0, BURN_IN, 0], [B, T - BURN_IN, 1]);
const adam = tf.train.adam(3e-3);

function step() {
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const out = model.apply(x, { training: true });
      return tf.mean(tf.square(tf.sub(out.slice([0, BURN_IN, 0], [B, T - BURN_IN, 1]), yLive)));
    }, model.trainableWeights.map((w) => w.read()));
    // clip_grad_norm_(…, 1.0), as the PyTorch peer and lawful do.
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0];
    const scale = Math.min(1, 1 / (norm + 1e-6));
    const clipped = Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
    adam.applyGradients(clipped);
  });
}

for (let i = 0; i < 3; i++) step(); // warm-up: kernels compiled, buffers allocated
const times = [];
for (let i = 0; i < reps; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const mid = times.length >> 1;
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
console.log('RESULT ' + JSON.stringify({ ms_per_step: Number(median.toFixed(2)), backend: tf.getBackend(), tfjs: tf.version.tfjs, reps }));
