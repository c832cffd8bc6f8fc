/**
 * Names and equations in the equation language: channel names made into identifiers, and a
 * fitted Ξ printed as `x' = -9.9992*x + 9.9992*y` (products with `*`, powers with `^`, signs
 * folded, never `+ -`), with 5 significant digits — faithful to 1e-5 relative, short enough to read.
 */
import { reservedReason } from '../../equations/index.js';

/**
 * Identifiers for channel names: characters other than letters (ASCII and Greek, as the
 * equation language reads them), digits and `_` become `_` ("x pos" → `x_pos`, "v(m/s)" →
 * `v_m_s_`), a leading digit or an empty name gets a `_` prefix, a name the equation
 * language keeps for itself (`t`, `sin`, `param`, …) a `_` suffix, and a repeated name `_2`, `_3`, ….
 */
export function variableNames(channels: readonly string[]): string[] {
  const seen = new Set<string>();
  return channels.map((raw) => {
    let v = raw.replace(/[^A-Za-z0-9_\u0391-\u03A9\u03B1-\u03C9]/g, '_');
    if (!/^[A-Za-z_\u0391-\u03A9\u03B1-\u03C9]/.test(v)) v = `_${v}`;
    if (reservedReason(v)) v = `${v}_`;
    let name = v;
    for (let k = 2; seen.has(name); k++) name = `${v}_${k}`;
    seen.add(name);
    return name;
  });
}

/** A coefficient to 5 significant digits, as the shortest decimal that reads back to it. */
export function formatCoefficient(x: number): string {
  return Number(x.toPrecision(5)).toString();
}

/** The right-hand side Σ ξ_k θ_k over the nonzero ξ_k: `-9.9992*x + 9.9992*y`, or `0`. */
export function formatSum(coef: ArrayLike<number>, features: readonly string[]): string {
  let s = '';
  for (let k = 0; k < features.length; k++) {
    const c = coef[k];
    if (c === 0) continue;
    const mag = formatCoefficient(Math.abs(c));
    const term = features[k] === '1' ? mag : mag === '1' ? features[k] : `${mag}*${features[k]}`;
    s += s ? (c < 0 ? ` - ${term}` : ` + ${term}`) : c < 0 ? `-${term}` : term;
  }
  return s || '0';
}

/** One equation per variable: `x' = …` for an ODE, `x[k+1] = …` for a map (variables at step k). */
export function formatEquations(vars: readonly string[], features: readonly string[], coef: readonly ArrayLike<number>[], discrete: boolean): string[] {
  return vars.map((v, c) => `${discrete ? `${v}[k+1]` : `${v}'`} = ${formatSum(coef[c], features)}`);
}

/** What `discoveredSystem` writes into the file's header. */
export interface DiscoveredSource {
  /** The library as configured, e.g. `{"kind":"polynomial","degree":2}`. */
  library: unknown;
  /** The optimizer as configured. */
  optimizer: unknown;
}

/**
 * The discovered ODE as a system of the equation language (docs/equations.md) whose
 * parameters are Ξ's nonzero entries at full precision — `param c1 = -9.99918…` and
 * `x' = c1*x + c2*y` — so that `lawful fit … --model equation --equation discovered.eq`
 * starts from the discovered model and refits its coefficients (and the initial states,
 * free as in every equation model). The rounded equations head the file as comments.
 */
export function discoveredSystem(channels: readonly string[], features: readonly string[], coef: readonly ArrayLike<number>[], source?: DiscoveredSource): string {
  const vars = variableNames(channels);
  const taken = new Set(vars);
  const lines = [
    '# Discovered by SINDy (lawful fit --model sindy), to refit as an equation model:',
    '#   lawful fit DATA --model equation --equation discovered.eq',
    ...(source ? [`# library ${JSON.stringify(source.library)}, optimizer ${JSON.stringify(source.optimizer)}`] : []),
    ...formatEquations(vars, features, coef, false).map((e) => `#   ${e}`),
  ];
  const renamed = channels.map((c, i) => [c, vars[i]]).filter(([c, v]) => c !== v);
  if (renamed.length) {
    lines.push(`# The data's columns ${renamed.map(([c, v]) => `"${c}" (here ${v})`).join(', ')} are not names of the equation language: rename them to refit.`);
  }
  const params: string[] = [];
  const rates = vars.map((v, c) => {
    const terms: string[] = [];
    for (let k = 0; k < features.length; k++) {
      const value = coef[c][k];
      if (value === 0) continue;
      let p = `c${params.length + 1}`;
      while (taken.has(p)) p = `_${p}`;
      params.push(`param ${p} = ${value}   # ${v}': ${features[k]}`);
      terms.push(features[k] === '1' ? p : `${p}*${features[k]}`);
    }
    return `${v}' = ${terms.join(' + ') || '0'}`;
  });
  return [...lines, ...params, ...rates].join('\n') + '\n';
}
