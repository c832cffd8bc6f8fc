/**
 * `lawful demo --scenario hnn`: the comparison of Hamiltonian Neural Networks (Greydanus,
 * Dzamba & Yosinski 2019, Table 1) — an HNN against the same MLP predicting the derivatives
 * directly — on their tasks, with the paper's settings (two hidden layers of 200 tanh units,
 * Adam 1e-3, 2,000 full-batch steps; override with --config, e.g. `{"hnn": {"separable": true}}`
 * for H = T(p) + V(q) and symplectic rollouts):
 * - mass–spring, H = q² + p²: 50 trajectories (25 train, 25 test) on t ∈ [0, 3], 30 points,
 *   radius 0.1–1, noise σ on the states; derivatives exact at the clean states (as the paper's
 *   data); energy audit over 15 random starts on t ∈ [0, 20];
 * - ideal pendulum, H = 3(1 − cos q) + p²: the same with radius 1.3–2.3 and 45 points;
 * - real pendulum (Schmidt & Lipson 2009, datasets/real-pendulum): (θ, ω) as (q, p), the
 *   first 80% of the samples to train and the last 20% to test, derivatives by finite
 *   differences on the irregular clock; the energy is E = ½ω² + k(1 − cos θ) with k fitted to
 *   the training data by least squares, and the audit rolls out from the first test sample
 *   against the energy of the measured (slightly damped) trajectory.
 * Every model is also scored as a forecaster on one trajectory of its task (a test
 * trajectory's clean start, window [0, 3], horizon 20; the real pendulum from its first
 * sample); the figure draws the mass–spring one. Browser-safe: the real pendulum's data
 * come in `datasets` from the front end, and the task is left out without them.
 */
import { ConfigError, DivergenceError, SolverError } from '../../core/errors.js';
import { Rng } from '../../core/rng.js';
import { fingerprintText } from '../../data/sha256.js';
import type { Series } from '../../data/series.js';
import type { FitProgress, Fitted, SavedModel } from '../../models/base.js';
import { hnnKind } from '../../models/hnn.js';
import { lnnKind } from '../../models/lnn.js';
import { mlpVectorFieldKind } from '../../models/mlp-vector-field.js';
import { resolveVectorFieldConfig, resolveCoordinates, type VectorFieldConfig } from '../../models/vector-field/config.js';
import { derivativeMse, fitPairs, vectorFieldFitted, type VectorFieldKind, type VectorFieldState } from '../../models/vector-field/fit.js';
import { statePairs, type StatePairs } from '../../models/vector-field/pairs.js';
import { solve } from '../../ode/solve.js';
import type { Term } from '../../ode/term.js';
import type { Invariant } from '../../systems/base.js';
import { energyAudit, type EnergyAudit } from '../energy.js';
import { evaluate, type ModelMetrics, type Split } from '../evaluate.js';
import type { FitJob, ScoredModel } from '../experiment.js';
import { familyConfig } from '../family-config.js';
import { experimentRecord } from '../record.js';
import { doublePendulumTask } from './hnn-double-pendulum.js';
import type { Scenario, ScenarioOptions, ScenarioRun } from './index.js';

/** A published figure beside ours (quoted, not measured here). */
interface Published {
  testLoss?: number;
  energyMse?: number;
  energyDrift?: number;
}

/** Greydanus et al. (2019), Table 1, as quoted (not measured here): test loss of the derivatives and energy MSE. */
export const PUBLISHED: Record<string, Record<'mlp-vector-field' | 'hnn', Published>> = {
  'mass-spring': { 'mlp-vector-field': { testLoss: 37e-3, energyMse: 170e-3 }, hnn: { testLoss: 36e-3, energyMse: 0.38e-3 } },
  'ideal-pendulum': { 'mlp-vector-field': { testLoss: 35e-3, energyMse: 42e-3 }, hnn: { testLoss: 35e-3, energyMse: 25e-3 } },
  'real-pendulum': { 'mlp-vector-field': { testLoss: 2.2e-3, energyMse: 390e-3 }, hnn: { testLoss: 6.0e-3, energyMse: 14e-3 } },
};

const KINDS: Record<string, VectorFieldKind> = { hnn: hnnKind, 'mlp-vector-field': mlpVectorFieldKind, lnn: lnnKind };
/** The papers' noise on the states when `--noise` is left at 0. */
const PAPER_NOISE = 0.1;
const CHANNELS = ['q', 'p'];
/** The families and the source of Greydanus et al.'s tasks. */
const GREYDANUS = ['hnn', 'mlp-vector-field'];
const GREYDANUS_SOURCE = 'Greydanus, Dzamba & Yosinski 2019, Table 1 (quoted, not measured)';

/** One task: training and test pairs, the invariant, the audit's starts and times, and the trajectory a forecast is scored on. */
export interface Task {
  name: string;
  /** The families the task's paper compares (those of the run that are not here skip it). */
  families: string[];
  /** State channels, positions first. */
  channels: string[];
  /** Per family, options the task sets over the family's defaults (the user's --config wins). */
  defaults?: Record<string, Partial<VectorFieldConfig>>;
  published: Record<string, Published>;
  /** Where `published` comes from. */
  source: string;
  train: StatePairs;
  test: StatePairs;
  invariant: Invariant;
  audit: { starts: Float64Array[]; t0: number; times: Float64Array; reference?: (k: number) => Float64Array };
  /** The scored trajectory: truth, what the model saw of it, the split; the fitted model starts from truth at trainFrom. */
  drawn: { truth: Series; split: Split; title: string };
  /** Weight decay the paper used on this task. */
  notes: string;
}

/** A Hamiltonian system H(q, p) with one degree of freedom, as a term (with its vjp) and its invariant. */
interface Toy {
  name: string;
  H(q: number, p: number): number;
  /** (q', p') = (∂H/∂p, −∂H/∂q). */
  field(q: number, p: number, out: Float64Array): void;
  /** ∂(q', p')/∂(q, p), row-major. */
  jacobian(q: number, p: number, J: Float64Array): void;
  radius: [number, number];
  points: number;
}

const TOYS: Toy[] = [
  {
    name: 'mass-spring',
    H: (q, p) => q * q + p * p,
    field: (q, p, o) => void ((o[0] = 2 * p), (o[1] = -2 * q)),
    jacobian: (_q, _p, J) => void J.set([0, 2, -2, 0]),
    radius: [0.1, 1],
    points: 30,
  },
  {
    name: 'ideal-pendulum',
    H: (q, p) => 3 * (1 - Math.cos(q)) + p * p,
    field: (q, p, o) => void ((o[0] = 2 * p), (o[1] = -3 * Math.sin(q))),
    jacobian: (q, _p, J) => void J.set([0, 2, -3 * Math.cos(q), 0]),
    radius: [1.3, 2.3],
    points: 45,
  },
];

function toyTerm(toy: Toy): Term {
  const J = new Float64Array(4);
  return {
    dim: 2,
    nParams: 0,
    f: (_t, y, _th, dy) => toy.field(y[0], y[1], dy),
    vjp(_t, y, _th, v, dyOut) {
      toy.jacobian(y[0], y[1], J);
      dyOut[0] += v[0] * J[0] + v[1] * J[2];
      dyOut[1] += v[0] * J[1] + v[1] * J[3];
    },
  };
}

/** A random start on the circle of a random radius in [lo, hi] (the paper's sampling). */
function randomStart(rng: Rng, [lo, hi]: [number, number]): Float64Array {
  const a = rng.uniformIn(-1, 1), b = rng.uniformIn(-1, 1);
  const r = lo + (hi - lo) * rng.uniform();
  const n = Math.hypot(a, b) || 1;
  return Float64Array.of((a / n) * r, (b / n) * r);
}

function simulate(toy: Toy, y0: Float64Array, times: Float64Array): Float64Array[] {
  const sol = solve({ term: toyTerm(toy), solver: 'dopri5', t0: 0, t1: times[times.length - 1], y0, saveAt: times, rtol: 1e-10, atol: 1e-12 });
  return [0, 1].map((d) => Float64Array.from(times, (_, i) => sol.y[2 * i + d]));
}

const linspace = (a: number, b: number, n: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

function toyTask(toy: Toy, noise: number, rng: Rng): Task {
  const t = linspace(0, 3, toy.points);
  const sets: { x: number[]; dx: number[] }[] = [{ x: [], dx: [] }, { x: [], dx: [] }];
  const d = new Float64Array(2);
  let drawnStart: Float64Array = new Float64Array(2);
  for (let k = 0; k < 50; k++) {
    const y0 = randomStart(rng, toy.radius);
    if (k === 25) drawnStart = y0;
    const [q, p] = simulate(toy, y0, t);
    const set = sets[k < 25 ? 0 : 1];
    for (let i = 0; i < t.length; i++) {
      toy.field(q[i], p[i], d); // exact derivatives at the clean state, noisy states (the paper's data)
      set.x.push(q[i] + noise * rng.normal(), p[i] + noise * rng.normal());
      set.dx.push(d[0], d[1]);
    }
  }
  const pairs = (s: { x: number[]; dx: number[] }): StatePairs => ({ x: Float64Array.from(s.x), dx: Float64Array.from(s.dx), rows: s.x.length / 2 });
  const horizon = linspace(0, 20, 201);
  const [q, p] = simulate(toy, drawnStart, horizon);
  return {
    name: toy.name,
    families: GREYDANUS,
    channels: CHANNELS,
    published: PUBLISHED[toy.name],
    source: GREYDANUS_SOURCE,
    train: pairs(sets[0]),
    test: pairs(sets[1]),
    invariant: { name: 'energy', value: (y) => toy.H(y[0], y[1]) },
    audit: { starts: Array.from({ length: 15 }, () => randomStart(rng, toy.radius)), t0: 0, times: linspace(0, 20, 401).subarray(1) },
    drawn: { truth: { t: horizon, y: [q, p], names: CHANNELS }, split: { trainFrom: 0, trainUntil: 3, until: 20 }, title: `${toy.name}, test trajectory 1 — trained on 25 noisy trajectories of t ≤ 3` },
    notes: `${toy.name}: 25 train / 25 test trajectories of ${toy.points} points on [0, 3], noise σ = ${noise}`,
  };
}

function realPendulumTask(data: Series): Task {
  const names = ['theta', 'omega'];
  for (const n of names) if (!data.names.includes(n)) throw new ConfigError(`the real-pendulum data has no channel "${n}" (has ${data.names.join(', ')})`, 'datasets');
  const s: Series = { t: data.t, y: names.map((n) => data.y[data.names.indexOf(n)]), names: CHANNELS };
  const cut = Math.floor(0.8 * s.t.length);
  const part = (a: number, b: number): Series => ({ t: s.t.slice(a, b), y: s.y.map((c) => c.slice(a, b)), names: CHANNELS });
  const [trainS, testS] = [part(0, cut), part(cut, s.t.length)];
  const coords = resolveCoordinates(CHANNELS, { positions: null, momenta: 'observed' });
  const fd = { method: 'finite-difference' as const, order: 2 };
  const train = statePairs([trainS], coords, fd);
  const test = statePairs([testS], coords, fd);
  // ω' = −k sin θ by least squares over the training pairs: the pendulum's energy ½ω² + k(1 − cos θ).
  let num = 0, den = 0;
  for (let i = 0; i < train.rows; i++) {
    const sn = Math.sin(train.x[2 * i]);
    num -= train.dx[2 * i + 1] * sn;
    den += sn * sn;
  }
  const k = num / den;
  const E = (y: ArrayLike<number>) => 0.5 * y[1] * y[1] + k * (1 - Math.cos(y[0]));
  const t0 = testS.t[0];
  return {
    name: 'real-pendulum',
    families: GREYDANUS,
    channels: CHANNELS,
    published: PUBLISHED['real-pendulum'],
    source: GREYDANUS_SOURCE,
    train,
    test,
    invariant: { name: 'energy', value: E },
    audit: {
      starts: [Float64Array.of(testS.y[0][0], testS.y[1][0])],
      t0,
      times: testS.t.subarray(1),
      reference: () => Float64Array.from(testS.t.subarray(1), (_, i) => E([testS.y[0][i + 1], testS.y[1][i + 1]])),
    },
    drawn: { truth: s, split: { trainFrom: s.t[0], trainUntil: trainS.t[trainS.t.length - 1], until: s.t[s.t.length - 1] }, title: 'real pendulum (Schmidt & Lipson 2009) — trained on the first 80% of the samples' },
    notes: `real-pendulum: ${train.rows} training and ${test.rows} test samples (80/20 in time), energy ½ω² + ${k.toPrecision(4)}(1 − cos θ) fitted to the training data`,
  };
}

/**
 * The forecast of the drawn trajectory, scored; a rollout the solver cannot finish (an LNN whose
 * ∂²L/∂q̇² turns singular, a field that blows up) gives NaN scores and its message, so the
 * model's derivative losses and energy audit are still reported.
 */
function scoredForecast(fitted: Fitted, truth: Series, split: Split): { metrics: Omit<ModelMetrics, 'fitSeconds'>; prediction: Float64Array[]; error?: string } {
  try {
    return evaluate(fitted, { observed: truth, truth, split });
  } catch (err) {
    if (!(err instanceof SolverError || err instanceof DivergenceError)) throw err;
    const metrics = { rmseIn: NaN, nrmseIn: NaN, inWindowMode: 'simulated' as const, nrmseInFreeRun: NaN, rmseOut: NaN, nrmseOut: NaN, validPredictionTime: NaN };
    return { metrics, prediction: truth.y.map(() => new Float64Array(truth.t.length).fill(NaN)), error: err.message };
  }
}

/** Mean over the finished starts of the relative energy error at the horizon, |E − E_true| / |E_true| (Cranmer et al. 2020's measure). */
function finalEnergyError(audit: EnergyAudit): number {
  const ends = audit.curves.model.map((e, k) => {
    const ref = audit.curves.reference[k][e.length - 1];
    return Math.abs(e[e.length - 1] - ref) / Math.abs(ref);
  }).filter((x) => !Number.isNaN(x));
  return ends.length ? ends.reduce((a, b) => a + b, 0) / ends.length : NaN;
}

export interface HnnSettings {
  /** Data sets the front end loaded (`Scenario.datasets`), by name. */
  datasets?: Record<string, Series>;
  /** Run only these tasks (default: every task), e.g. ["double-pendulum"]. */
  tasks?: string[];
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : Number.isFinite(x) ? x.toExponential(2) : String(x));

export const hnnScenario: Scenario = {
  name: 'hnn',
  summary: 'Hamiltonian and Lagrangian neural networks against a plain MLP vector field on the mass–spring, ideal and real pendulum (Greydanus et al. 2019) and the double pendulum (Cranmer et al. 2020): derivative error and energy conservation',
  models: () => ['hnn', 'mlp-vector-field', 'lnn'],
  datasets: ['real-pendulum'],
  async run(o: ScenarioOptions): Promise<ScenarioRun> {
    const models = o.models ?? hnnScenario.models();
    for (const m of models) if (!KINDS[m]) throw new ConfigError(`the hnn scenario fits ${Object.keys(KINDS).join(', ')}, not "${m}"`, '--models');
    // Its fits run from derivative pairs outside the experiment, which is where ensembles are formed.
    if ((o.ensemble ?? 1) > 1) throw new ConfigError('the hnn scenario reproduces the published single fits; it trains no ensembles', '--ensemble');
    const configs = Object.fromEntries(models.map((m) => [m, familyConfig(m, o.configs, models) as Partial<VectorFieldConfig>]));
    // A task's own sizes sit between the family's defaults and the user's --config.
    const configFor = (task: Task, family: string) => resolveVectorFieldConfig({ ...configs[family], ...task.defaults?.[family], ...(o.configs?.[family] as Partial<VectorFieldConfig> | undefined) });
    const noise = o.noise > 0 ? o.noise : PAPER_NOISE;
    const rng = new Rng(o.seed);
    const tasks = TOYS.map((toy) => toyTask(toy, noise, rng.fork()));
    const settings = (o.settings ?? {}) as HnnSettings;
    const real = settings.datasets?.['real-pendulum'];
    const lines: string[] = [];
    if (real) tasks.push(realPendulumTask(real));
    else lines.push('real-pendulum: left out (its data set was not given to the scenario)');
    tasks.push(doublePendulumTask(rng.fork()));
    if (settings.tasks) {
      const known = tasks.map((t) => t.name);
      for (const name of settings.tasks) if (!known.includes(name)) throw new ConfigError(`names "${name}"; the tasks are ${known.join(', ')}`, 'tasks');
      tasks.splice(0, tasks.length, ...tasks.filter((t) => settings.tasks!.includes(t.name)));
    }
    const main = tasks[0].drawn;

    const scored: ScoredModel[] = [];
    const predictions: Float64Array[][] = [];
    const saved: SavedModel[] = [];
    const table: string[][] = [];
    for (const task of tasks) {
      for (const family of models.filter((m) => task.families.includes(m))) {
        const kind = KINDS[family];
        const config = configFor(task, family);
        const name = `${family} ${task.name}`;
        const { truth, split } = task.drawn;
        const job: FitJob = { name, spec: { family, config: config as unknown as Record<string, unknown> }, train: truth, seed: o.seed };
        const started = performance.now();
        const fit = await fitPairs(kind, task.channels.length / 2, task.train, config, { seed: o.seed, signal: o.signal, onProgress: (p: FitProgress) => o.onProgress?.(job, p) });
        const fitSeconds = (performance.now() - started) / 1000;
        const state: VectorFieldState = {
          config,
          channels: task.channels,
          theta: fit.theta,
          x0: Float64Array.from(truth.y, (c) => c[0]),
          training: { from: split.trainFrom, until: split.trainUntil },
          loss: fit.loss,
        };
        const fitted = vectorFieldFitted(kind, state);
        const testLoss = derivativeMse(kind, state, task.test);
        const audit = energyAudit(fitted.rollout!.bind(fitted), { invariant: task.invariant, ...task.audit });
        const ev = scoredForecast(fitted, truth, split);
        const published = task.published[family] ?? {};
        scored.push({
          name,
          family,
          parameters: fitted.nParams,
          metrics: { ...ev.metrics, fitSeconds, energyMse: audit.energyMse, energyDrift: audit.energyDrift },
          describe: { ...fitted.describe(), ...(ev.error ? { forecastError: ev.error } : {}), task: task.name, trainDerivativeMse: fit.loss, testDerivativeMse: testLoss, auditFailedStarts: audit.failedStarts, finalEnergyError: finalEnergyError(audit), published: { ...published, source: task.source } },
        });
        predictions.push(task === tasks[0] ? ev.prediction : main.truth.y.map(() => new Float64Array(main.truth.t.length).fill(NaN)));
        const s = fitted.toJSON();
        saved.push(s);
        o.onDone?.(job, { name, ok: true, saved: s, fitSeconds });
        table.push([name, fmt(fit.loss), fmt(testLoss), fmt(published.testLoss), fmt(audit.energyMse), fmt(published.energyMse), fmt(audit.energyDrift) + (audit.failedStarts ? ` (${audit.failedStarts}/${task.audit.starts.length} failed)` : ''), fmt(published.energyDrift)]);
      }
    }
    const head = ['model task', 'train loss', 'test loss', 'published', 'energy MSE', 'published', 'energy drift', 'published'];
    const widths = head.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
    const row = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
    lines.unshift(
      'Derivative losses (MSE) and energy audit beside Greydanus et al. 2019, Table 1, and Cranmer et al. 2020, §5 ("published": quoted from the papers, not measured here):',
      row(head),
      ...table.map(row),
      ...tasks.map((t) => t.notes),
      ...models.filter((m) => scored.some((x) => x.family === m)).map((m) => `Rollouts of ${m}: ${[...new Set(scored.filter((x) => x.family === m).map((x) => String(x.describe.integrator)))].join('; ')}.`),
      'Energy drift: the largest relative change of the energy over the horizon, mean over the starts (the double pendulum\'s published figure is the relative energy error over t = 100); "k/n failed": k rollouts the solver could not finish (the learned field blows up or, for an LNN, ∂²L/∂q̇² turns singular), left out of both energy columns.',
    );
    const results = experimentRecord(
      {
        command: 'demo',
        seed: o.seed,
        config: { scenario: 'hnn', noise, models, configs, tasks: tasks.map((t) => t.notes) },
        data: { source: real ? 'simulated:hnn-tasks+dataset:real-pendulum' : 'simulated:hnn-tasks', fingerprint: fingerprintText(JSON.stringify(tasks.map((t) => [Array.from(t.train.x), Array.from(t.train.dx)]))), truth: 'clean' },
        split: main.split,
      },
      { models: scored, failures: [], interrupted: [] },
    );
    return {
      models: scored,
      predictions,
      freeRuns: scored.map(() => undefined),
      quantiles: scored.map(() => undefined),
      saved,
      modelFiles: scored.map(() => undefined),
      failures: [],
      interrupted: [],
      results,
      truth: main.truth,
      split: main.split,
      invariant: tasks[0].invariant,
      // One truth per run: the first task's panels carry curves; the other tasks' models are scored on their own trajectories (the table).
      title: `${main.title}; drawn for that task's models (the others: table only)`,
      lines,
    };
  },
};
