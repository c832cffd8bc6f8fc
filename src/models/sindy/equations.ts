/**
 * Names and equations in the equation language: channel names made into identifiers, and a
 * fitted Ξ printed as `x' = -9.9992*x + 9.9992*y` (products with `*`, powers with `^`, signs
 * folded, never `+ -`), with 5 significant digits — faithful to 1e-5 relative, short enough to read.
 */

/** Names the equation language keeps for itself (functions, constants, the clock). */
const RESERVED = new Set(['t', 'e', 'pi', 'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sinh', 'cosh', 'min', 'max', 'pow']);

/**
 * Identifiers for channel names: characters other than letters, digits and `_` become `_`
 * ("x pos" → `x_pos`, "v(m/s)" → `v_m_s_`), a leading digit or an empty name gets a `_`
 * prefix, a reserved name (`t`, `sin`, …) a `_` suffix, and a repeated name `_2`, `_3`, ….
 */
export function variableNames(channels: readonly string[]): string[] {
  const seen = new Set<string>();
  return channels.map((raw) => {
    let v = raw.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(v)) v = `_${v}`;
    if (RESERVED.has(v)) v = `${v}_`;
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
