import { sdirkSolver } from './sdirk.js';

/**
 * SDIRK4: the L-stable, stiffly accurate 5-stage singly diagonally implicit method of order
 * 4 with γ = 1/4 and an embedded order-3 method (Hairer & Wanner, Solving ODEs II, IV.6,
 * Table 6.5; the method of their code SDIRK4). Needs term.jac.
 */
export const sdirk4 = sdirkSolver(
  {
    name: 'sdirk4',
    description: 'L-stable SDIRK of order 4(3), adaptive, for stiff problems; needs term.jac (Hairer & Wanner II, Table IV.6.5)',
    order: 4,
    errorOrder: 3,
  },
  {
    gamma: 1 / 4,
    c: [1 / 4, 3 / 4, 11 / 20, 1 / 2, 1],
    a: [[], [1 / 2], [17 / 50, -1 / 25], [371 / 1360, -137 / 2720, 15 / 544], [25 / 24, -49 / 48, 125 / 16, -85 / 12]],
    b: [25 / 24, -49 / 48, 125 / 16, -85 / 12, 1 / 4],
    // b̂ = (59/48, −17/96, 225/32, −85/12, 0)
    e: [-3 / 16, -27 / 32, 25 / 32, 0, 1 / 4],
  },
);
