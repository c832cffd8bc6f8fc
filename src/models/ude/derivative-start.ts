/**
 * A cheap start for the network (the "fit on derivatives"): finite-difference rates of
 * the observed states, minus the known part's rates, are the network's targets at the sampled
 * states; a few Adam steps through the shared loop (core/optim/train.ts) fit them by plain
 * regression, no solver. The trajectory fit then starts from a field that is already about
 * right instead of from a random one.
 */
import { DataError } from '../../core/errors.js';
import { Adam } from '../../core/optim/adam.js';
import { cosine } from '../../core/optim/schedules.js';
import { train } from '../../core/optim/train.js';
import { uniformStep, type Series } from '../../data/series.js';
import { MlpWorkspace, mlpBackward, mlpForward } from '../../nn/mlp.js';
import { finiteDifference } from '../sindy/differentiation/index.js';
import type { UdeProblem } from './problem.js';

/** Fits the network block of `theta` (in place) to the data's derivative residuals for `steps` Adam steps at `lr`. */
export async function derivativeStart(p: UdeProblem, theta: Float64Array, data: Series, steps: number, lr: number, signal?: AbortSignal): Promise<void> {
  const dim = p.states.length;
  if (p.observed.length !== dim) throw new DataError(`derivativeStart needs every state observed; ${p.states.filter((_, k) => !p.observed.includes(k)).join(', ')} is not a channel`);
  const dt = uniformStep(data.t, 'derivativeStart: the training window');
  const N = data.t.length;
  const rates = data.y.map((y) => finiteDifference(2).differentiate(y, dt));
  // States [N][dim] (raw, standardised by the term) and the known part's rates at them.
  const z = new Float64Array(N * dim);
  p.observed.forEach((k, c) => {
    for (let i = 0; i < N; i++) z[i * dim + k] = data.y[c][i];
  });
  const np = p.system?.nParams ?? 0;
  const knownTerm = p.system?.term();
  const k = p.targets.length;
  const target = new Float64Array(N * k);
  const known = new Float64Array(dim);
  for (let i = 0; i < N; i++) {
    const zi = z.subarray(i * dim, (i + 1) * dim);
    if (knownTerm) knownTerm.f(data.t[i], zi, theta.subarray(0, np), known);
    for (let j = 0; j < k; j++) {
      const s = p.targets[j];
      target[i * k + j] = rates[p.observed.indexOf(s)][i] - (knownTerm ? known[s] : 0);
    }
  }
  const x = new Float64Array(N * dim);
  const { mean, scale } = p.net;
  for (let i = 0; i < N; i++) for (let d = 0; d < dim; d++) x[i * dim + d] = (z[i * dim + d] - mean[d]) / scale[d];
  const ws = new MlpWorkspace(p.net.shape, N);
  const seed = new Float64Array(N * k);
  const net = theta.subarray(np, np + p.net.nParams);
  const lossAndGrad = (w: Float64Array, g: Float64Array) => {
    const out = mlpForward(w, x, ws);
    let loss = 0;
    for (let e = 0; e < N * k; e++) {
      const r = out[e] - target[e];
      loss += r * r;
      seed[e] = (2 * r) / (N * k);
    }
    g.fill(0);
    mlpBackward(w, ws, seed, g, null);
    return loss / (N * k);
  };
  await train({ lossAndGrad, theta: net, optimizer: new Adam(net.length, { lr: cosine(lr, steps) }), steps, signal, name: 'derivative start (Adam)' });
}
