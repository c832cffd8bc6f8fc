/**
 * The SINDy step of a UDE (Rackauckas et al. 2020, §2.1): the trained network's outputs along
 * the fitted trajectory are regressed by STLSQ on polynomials of the states, so the missing
 * physics comes back as terms of the equation language. The result is printed twice: the
 * equations with numbers (describe().equations) and a whole system whose known parameters and
 * discovered coefficients are `param`s starting at their values, ready to refit as an
 * `equation` model.
 */
import { Rng } from '../../core/rng.js';
import { printExpr } from '../../equations/index.js';
import { solve } from '../../ode/solve.js';
import { formatSum } from '../sindy/equations.js';
import { polynomialLibrary } from '../sindy/library/index.js';
import { columnRows, stlsq } from '../sindy/optimizer/index.js';
import { thetaBlocks } from '../trajectory/base.js';
import type { SolverSettings } from '../trajectory/base.js';
import type { UdeProblem } from './problem.js';

export interface Recovered {
  /** Library terms in the equation language (`1`, `prey`, `prey*predator`, …). */
  terms: string[];
  /** Per network output, one coefficient per term (zeros dropped by the threshold). */
  coef: number[][];
}

/** Points of the fitted trajectory the regression reads: dense enough that the library's columns are resolved. */
const POINTS = 400;

/** Runs the SINDy step on the trained θ over [t0, t1]. */
export function recoverTerms(p: UdeProblem, theta: Float64Array, t0: number, t1: number, solver: SolverSettings, sindy: { degree: number; threshold: number }): Recovered {
  const b = thetaBlocks(p.model.layout, theta);
  const saveAt = Float64Array.from({ length: POINTS }, (_, i) => t0 + ((t1 - t0) * i) / (POINTS - 1));
  const sol = solve({ term: p.model.term, solver: solver.solver ?? 'dopri5', t0, t1, y0: b.z0, theta: b.term, saveAt, rtol: solver.rtol, atol: solver.atol, maxSteps: solver.maxSteps });
  const dim = p.states.length;
  const net = b.term.subarray(b.term.length - p.net.nParams);
  const out = p.net.outputs(net, sol.y);
  const k = p.targets.length;
  const columns = Array.from({ length: dim }, (_, i) => Float64Array.from({ length: POINTS }, (_, r) => sol.y[r * dim + i]));
  const targets = Array.from({ length: k }, (_, j) => Float64Array.from({ length: POINTS }, (_, r) => out[r * k + j]));
  const library = polynomialLibrary(sindy.degree);
  const fit = stlsq({ threshold: sindy.threshold }).fit(columnRows(library.columns(columns), targets), { rng: new Rng(0) });
  return { terms: library.names(p.states), coef: fit.coef.map((r) => Array.from(r)) };
}

/** `lhs = rhs + sum` with the sign folded (`a*x - 0.9*x*y`), or the one that is not zero. */
function joinSum(rhs: string, sum: string): string {
  if (sum === '0') return rhs;
  if (rhs === '0') return sum;
  return sum.startsWith('-') ? `${rhs} - ${sum.slice(1)}` : `${rhs} + ${sum}`;
}

const lhs = (e: { state: string; order: number }) => `${e.state}${"'".repeat(e.order)}`;

/** The recovered equations with numbers: the known part at the fitted parameters plus the discovered terms. */
export function recoveredEquations(p: UdeProblem, theta: Float64Array, r: Recovered): string[] {
  const known = p.system ? p.system.equations(theta.subarray(0, p.system.nParams)) : p.states.map((s) => `${s}' = 0`);
  return known.map((line, e) => {
    const j = p.lines.indexOf(e);
    if (j < 0) return line;
    const at = line.indexOf(' = ');
    return `${line.slice(0, at)} = ${joinSum(line.slice(at + 3), formatSum(r.coef[j], r.terms))}`;
  });
}

/**
 * The recovered system in the equation language, every known parameter and discovered
 * coefficient a `param` starting at its fitted value (coefficients named k1, k2, … where
 * those names are free), constants kept: what `lawful fit --model equation` refits.
 */
export function recoveredSystem(p: UdeProblem, theta: Float64Array, r: Recovered): string {
  const sys = p.system;
  const taken = new Set<string>([...p.states, ...(sys?.params.map((q) => q.name) ?? []), ...(sys?.constants.map((c) => c.name) ?? [])]);
  let next = 1;
  const fresh = () => {
    while (taken.has(`k${next}`)) next++;
    taken.add(`k${next}`);
    return `k${next}`;
  };
  const params: string[] = [];
  sys?.params.forEach((q, i) => {
    const bounds = q.lower === -Infinity && q.upper === Infinity ? '' : ` in [${q.lower === -Infinity ? '-inf' : q.lower}, ${q.upper === Infinity ? 'inf' : q.upper}]`;
    params.push(`param ${q.name} = ${Number(theta[i].toPrecision(6))}${bounds}`);
  });
  const consts = sys?.constants.map((c) => `const ${c.name} = ${c.value}`) ?? [];
  const eqs = sys ? sys.syntax.equations.map((e) => ({ lhs: lhs(e), rhs: printExpr(e.rhs) })) : p.states.map((s) => ({ lhs: `${s}'`, rhs: '0' }));
  const lines = eqs.map((e, i) => {
    const j = p.lines.indexOf(i);
    if (j < 0) return `${e.lhs} = ${e.rhs}`;
    const terms: string[] = [];
    r.coef[j].forEach((c, k) => {
      if (c === 0) return;
      const name = fresh();
      params.push(`param ${name} = ${Number(c.toPrecision(6))}`);
      terms.push(r.terms[k] === '1' ? name : `${name}*${r.terms[k]}`);
    });
    return `${e.lhs} = ${joinSum(e.rhs, terms.join(' + ') || '0')}`;
  });
  return [...params, ...consts, ...lines].join('\n') + '\n';
}
