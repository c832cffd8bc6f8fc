/**
 * Reservoir computing on the Lorenz-63 gate's data (issue 13): the ESN (N = 500, degree 3,
 * the family's defaults) and the NVAR (Gauthier et al. 2021: 2 delays, quadratic, increment)
 * fitted in closed form, against the same computation in numpy in the same run
 * (reservoir/peer_numpy.py, 1 BLAS thread, as lawful runs on one).
 *
 * The peer gets the standardised training data and lawful's own reservoir (W in CSR, input
 * map, biases), so its readouts can be compared number for number with lawful's: the ESN's
 * teacher-forced run and ridge readout, and the NVAR's features and readout, are the same
 * mathematics in both. It also builds a reservoir of its own of the same size (sparse
 * random, spectral radius by ARPACK), timed as the ESN fit's first stage.
 *
 *   npx tsx bench/reservoir/bench.ts [--reps 5]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { esnFamily } from '../../src/models/esn.js';
import { ESN_DEFAULTS } from '../../src/models/esn-config.js';
import { nvarFamily } from '../../src/models/nvar.js';
import { NVAR_DEFAULTS } from '../../src/models/nvar-config.js';
import { buildReservoir } from '../../src/models/reservoir/reservoir.js';
import { standardisation, standardise } from '../../src/models/reservoir/sequence.js';
import { simulate } from '../../src/systems/simulate.js';
import { BENCH_DIR, OUT_DIR, flag, fmtE, fmtS, median, runPeer, timeRuns, writeResult } from '../common.js';

interface PeerTimes { seconds: number[]; median_s: number }
interface PeerResult {
  numpy: string;
  scipy: string;
  esn: { build: PeerTimes; run: PeerTimes; readout: PeerTimes; fit: PeerTimes; readout_max_rel_diff: number; spectral_radius_of_lawful_W: number };
  nvar: { fit: PeerTimes; readout_max_rel_diff: number };
}

const args = process.argv.slice(2);
const reps = Math.max(3, flag(args, '--reps', 5));
const seed = 0;

// The gate's data: Lorenz-63, full state, dt 0.01, t ∈ [0, 50].
const train = simulate('lorenz', { until: 50, dt: 0.01 }).clean;
const n = train.t.length;
console.log(`# reservoir: ESN (N = ${ESN_DEFAULTS.size}, degree ${ESN_DEFAULTS.degree}) and NVAR (${NVAR_DEFAULTS.delays} delays, order ${NVAR_DEFAULTS.order}) fits on Lorenz-63, ${n} samples, dt 0.01`);

const fitEsn = () => esnFamily.fit({ family: 'esn', config: esnFamily.defaults }, train, { seed });
const fitNvar = () => nvarFamily.fit({ family: 'nvar', config: nvarFamily.defaults }, train, { seed });
const esnBuild = await timeRuns(() => buildReservoir(ESN_DEFAULTS, 3, seed), reps, 1);
const esnFit = await timeRuns(fitEsn, reps, 1);
const nvarFit = await timeRuns(fitNvar, Math.max(reps, 9), 2);
const esn = await fitEsn(), nvar = await fitNvar();

// What the peer needs: the standardised data, lawful's reservoir and both readouts.
const res = buildReservoir(ESN_DEFAULTS, 3, seed);
const std = standardisation(train);
mkdirSync(OUT_DIR, { recursive: true });
const input = join(OUT_DIR, 'reservoir_input.json');
writeFileSync(input, JSON.stringify({
  z: Array.from(standardise(train, std)), n, C: 3, esn: ESN_DEFAULTS, nvar: NVAR_DEFAULTS,
  reservoir: { rowStart: Array.from(res.rowStart), col: Array.from(res.col), val: Array.from(res.val), inputChannel: Array.from(res.inputChannel), inputWeight: Array.from(res.inputWeight), bias: Array.from(res.bias) },
  esnReadout: esn.toJSON().params, nvarReadout: nvar.toJSON().params,
}));
const peer = runPeer<PeerResult>(join(BENCH_DIR, 'reservoir', 'peer_numpy.py'), ['--input', input, '--reps', String(reps)]);

const lawful = { esnBuild: median(esnBuild), esnFit: median(esnFit), nvarFit: median(nvarFit) };
console.log('stage                         lawful      numpy     numpy/lawful');
const row = (what: string, a: number, b: number) => console.log(`${what.padEnd(28)} ${fmtS(a).padStart(9)} ${fmtS(b).padStart(10)} ${(b / a).toFixed(2).padStart(10)}×`);
row('ESN reservoir build', lawful.esnBuild, peer.esn.build.median_s);
console.log(`${'ESN run + readout'.padEnd(28)} ${fmtS(lawful.esnFit - lawful.esnBuild).padStart(9)} ${fmtS(peer.esn.run.median_s + peer.esn.readout.median_s).padStart(10)}    (numpy: run ${fmtS(peer.esn.run.median_s)}, readout ${fmtS(peer.esn.readout.median_s)})`);
row('ESN fit (whole)', lawful.esnFit, peer.esn.fit.median_s);
row('NVAR fit (whole)', lawful.nvarFit, peer.nvar.fit.median_s);
console.log(`same mathematics: the readouts agree to a relative ${fmtE(peer.esn.readout_max_rel_diff)} (ESN) and ${fmtE(peer.nvar.readout_max_rel_diff)} (NVAR); numpy's dense eigenvalues give lawful's W a spectral radius of ${peer.esn.spectral_radius_of_lawful_W.toPrecision(8)} (asked ${ESN_DEFAULTS.spectralRadius})`);
console.log(`(medians of ${reps} lawful runs after a warm-up, NVAR ${Math.max(reps, 9)}; numpy ${peer.numpy}, scipy ${peer.scipy}, 1 BLAS thread)`);

const note = 'float64 both; same data, same reservoir, same readout; numpy 1 thread';
const file = writeResult(
  'reservoir',
  [
    { bench: 'reservoir', what: `ESN fit, N ${ESN_DEFAULTS.size}, Lorenz ${n} samples`, lawful: fmtS(lawful.esnFit), peer: fmtS(peer.esn.fit.median_s), speedup: peer.esn.fit.median_s / lawful.esnFit, target: '', note },
    { bench: 'reservoir', what: `NVAR fit, 28 features, Lorenz ${n} samples`, lawful: fmtS(lawful.nvarFit), peer: fmtS(peer.nvar.fit.median_s), speedup: peer.nvar.fit.median_s / lawful.nvarFit, target: '', note },
  ],
  { reps, lawful: { esnBuild, esnFit, nvarFit }, numpy: peer },
);
console.log(`wrote ${file}`);
