// Random systems in the equation language, built only from the whitelist, with functions
// composed so that every value stays finite and smooth at the test points (a log of
// 1 + e², a denominator 2 + cos e, …): the derivatives can then be checked against
// finite differences to 1e-6.
import { Rng } from '../../src/core/rng.js';

export interface GeneratedSystem {
  text: string;
  nStates: number;
  nParams: number;
  nInputs: number;
  equations: number;
}

class Gen {
  readonly used = new Set<string>();
  constructor(
    readonly rng: Rng,
    readonly leaves: string[],
  ) {}

  pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)];
  }

  leaf(): string {
    if (this.rng.uniform() < 0.2) return String(Math.round(this.rng.uniformIn(0.2, 3) * 100) / 100);
    const n = this.pick(this.leaves);
    this.used.add(n);
    return n;
  }

  expr(depth: number): string {
    if (depth <= 0 || this.rng.uniform() < 0.2) return this.leaf();
    const a = () => this.expr(depth - 1);
    const forms: (() => string)[] = [
      () => `${a()} + ${a()}`,
      () => `${a()} - ${a()}`,
      () => `${a()}*${a()}`,
      () => `(${a()})*(${a()})`,
      () => `${a()}/(2 + cos(${a()}))`,
      () => `(${a()})/(1 + (${a()})^2)`,
      () => `-(${a()})`,
      () => `-${this.leaf()}^2`,
      () => `(${a()})^${this.pick(['2', '3'])}`,
      () => `(1 + (${a()})^2)^(${a()})`,
      () => `pow(1 + (${a()})^2, 0.5*${this.leaf()})`,
      () => `${this.pick(['sin', 'cos', 'atan', 'tanh'])}(${a()})`,
      () => `${this.pick(['sinh', 'cosh'])}(0.5*sin(${a()}))`,
      () => `exp(0.3*${this.pick(['sin', 'cos', 'tanh'])}(${a()}))`,
      () => `tan(0.7*sin(${a()}))`,
      () => `${this.pick(['asin', 'acos'])}(0.8*tanh(${a()}))`,
      () => `log(1 + (${a()})^2)`,
      () => `sqrt(2 + sin(${a()}))`,
      () => `abs(${a()} + 3)`,
      () => `atan2(${a()}, 1 + (${a()})^2)`,
      () => `${this.pick(['min', 'max'])}(${a()}, ${a()} + 2.5)`,
      () => `max(${a()}, ${a()} - 2.5, ${a()} + 5.5)`,
    ];
    return this.pick(forms)();
  }
}

/** A random system with 1–3 equations (some second-order), 1–3 parameters, maybe a constant and an input. */
export function generateSystem(seed: number): GeneratedSystem {
  const rng = new Rng(seed);
  const nEq = 1 + rng.int(3);
  const orders = Array.from({ length: nEq }, () => (rng.uniform() < 0.3 ? 2 : 1));
  const stateNames = orders.flatMap((o, i) => (o === 2 ? [`x${i + 1}`, `x${i + 1}'`] : [`x${i + 1}`]));
  const nParams = 1 + rng.int(3);
  const params = Array.from({ length: nParams }, (_, i) => `p${i + 1}`);
  const hasConst = rng.uniform() < 0.5;
  const hasInput = rng.uniform() < 0.4;
  const leaves = [...stateNames, ...params, 't', ...(hasConst ? ['c1'] : []), ...(hasInput ? ['u1'] : [])];
  const g = new Gen(rng, leaves);
  const rhs = orders.map(() => g.expr(3));
  // Every declared name must be used (the language refuses unused ones); give each its own term.
  const missing = [...params, ...(hasConst ? ['c1'] : []), ...(hasInput ? ['u1'] : [])].filter((n) => !g.used.has(n));
  for (const n of missing) rhs[rng.int(nEq)] += ` + 0.5*${n}*sin(${stateNames[0]})`;
  const lines = [
    ...params.map((p) => `param ${p} = 1`),
    ...(hasConst ? ['const c1 = 0.75'] : []),
    ...(hasInput ? ['input u1'] : []),
    ...orders.map((o, i) => `x${i + 1}${"'".repeat(o)} = ${rhs[i]}`),
  ];
  return { text: lines.join('\n'), nStates: stateNames.length, nParams, nInputs: hasInput ? 1 : 0, equations: nEq };
}

/** A fixed smooth input for generated systems. */
export const testInput = (t: number, out: Float64Array) => {
  out[0] = Math.sin(3 * t) + 0.5;
};
