import { explicitRK } from './rk.js';

/**
 * Tsitouras 5(4) (Ch. Tsitouras 2011, "Runge–Kutta pairs of order 5(4) satisfying only the
 * first column simplifying assumption", Comput. Math. Appl. 62(2), Table 1): seven stages,
 * FSAL, usually a little more efficient than Dormand–Prince. The first column is set so
 * that each row sums to its node exactly (c_i = Σ_j a_ij in floating point).
 * Error weights e = b − b̂ are the paper's table values with the sign of the last entry
 * corrected (as in OrdinaryDiffEq.jl and SpECTRE). Dense output: the paper's 4th-order
 * interpolant, b_i(θ) = Σ_m P[i][m] θ^(m+1).
 */
const c = [0, 0.161, 0.327, 0.9, 0.9800255409045097, 1, 1];
const rest: number[][] = [
  [],
  [],
  [0.335480655492357],
  [-6.359448489975075, 4.362295432869581],
  [-11.74888356406283, 7.495539342889836, -0.09249506636175525],
  [-12.92096931784711, 8.159367898576159, -0.071584973281401, -0.02826905039406838],
];
const b = [0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742, -3.290069515436081, 2.324710524099774, 0];
const a: number[][] = [[]];
for (let i = 1; i < 6; i++) a.push([c[i] - rest[i].reduce((x, y) => x + y, 0), ...rest[i]]);
a.push(b.slice(0, 6));

export const tsit5 = explicitRK(
  {
    name: 'tsit5',
    description: 'Tsitouras 5(4), adaptive, FSAL, 4th-order dense output (Tsitouras 2011)',
    order: 5,
    errorOrder: 4,
  },
  {
    c,
    a,
    b,
    e: [0.001780011052226, 0.000816434459657, -0.007880878010262, 0.144711007173263, -0.582357165452555, 0.458082105929187, -1 / 66],
    fsal: true,
    dense: [
      [1, -2.763706197274826, 2.9132554618219126, -1.0530884977290216],
      [0, 0.13169999999999998, -0.2234, 0.1017],
      [0, 3.930296236894751, -5.941033872131505, 2.490627285651253],
      [0, -12.411077166933676, 30.338188630282318, -16.548102889244902],
      [0, 37.50931341651104, -88.1789048947664, 47.37952196281928],
      [0, -27.896526289197286, 65.09189467479368, -34.87065786149661],
      [0, 1.5, -4.0, 2.5],
    ],
  },
);
