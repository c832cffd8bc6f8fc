/**
 * The registry of model families (STYLE.md §2): the CLI, the evaluator, the sweep and the
 * web app read this list and never switch on names.
 */
import { ConfigError } from '../core/errors.js';
import type { ModelFamily } from './base.js';
import { equationFamily } from './equation.js';
import { fourierFamily } from './fourier.js';
import { lstmFamily } from './lstm.js';
import { gruFamily } from './gru.js';
import { oscillatorBankFamily } from './oscillator-bank.js';
import { persistenceFamily } from './persistence.js';
import { esnFamily } from './esn.js';
import { nvarFamily } from './nvar.js';
import { sindyFamily } from './sindy.js';
import { neuralOdeFamily, udeFamily } from './ude/family.js';
import { hnnFamily } from './hnn.js';
import { mlpVectorFieldFamily } from './mlp-vector-field.js';
import { mlpFamily } from './mlp.js';
import { lnnFamily } from './lnn.js';

export type { Fitted, FitOptions, FitProgress, Forecast, ModelFamily, ModelSpec, ModelSummary, SavedModel } from './base.js';
export { FitDivergedError } from './base.js';
export { oscillatorBankFamily } from './oscillator-bank.js';
export type { OscillatorBankConfig, OscillatorBankOptions } from './oscillator-bank.js';
export { fourierFamily } from './fourier.js';
export type { FourierConfig } from './fourier.js';
export { persistenceFamily } from './persistence.js';
export { equationFamily } from './equation.js';
export type { EquationConfig } from './equation.js';
export { sindyFamily, fitSindy, type SindyConfig } from './sindy.js';
export { lstmFamily } from './lstm.js';
export { esnFamily, type EsnConfig } from './esn.js';
export { nvarFamily, type NvarConfig } from './nvar.js';
export { udeFamily, neuralOdeFamily, type NeuralOdeConfig } from './ude/family.js';
export type { UdeConfig } from './ude/config.js';
export type { LstmConfig } from './lstm.js';
export { hnnFamily, hnnKind } from './hnn.js';
export { mlpVectorFieldFamily, mlpVectorFieldKind } from './mlp-vector-field.js';
export { lnnFamily, lnnKind } from './lnn.js';
export { derivativeMse, fitPairs, fitVectorField, rollout, vectorFieldFitted } from './vector-field/fit.js';
export type { VectorFieldKind, VectorFieldState } from './vector-field/fit.js';
export type { VectorFieldConfig } from './vector-field/config.js';
export { gruFamily, type GruConfig } from './gru.js';
export { mlpFamily, type MlpConfig } from './mlp.js';
export * from './trajectory/index.js';
export { esprit, fitModeAmplitudes } from './spectral/esprit.js';
export type { DampedMode, EspritOptions, EspritResult } from './spectral/esprit.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each family has its own config type
export const families: ModelFamily<any>[] = [oscillatorBankFamily, lstmFamily, esnFamily, nvarFamily, fourierFamily, persistenceFamily, equationFamily, sindyFamily, udeFamily, neuralOdeFamily, hnnFamily, mlpVectorFieldFamily, gruFamily, mlpFamily, lnnFamily];

/** The family called `name`; a ConfigError lists the known names otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getFamily(name: string): ModelFamily<any> {
  const f = families.find((x) => x.family === name);
  if (!f) throw new ConfigError(`unknown model family "${name}"; known: ${families.map((x) => x.family).join(', ')}`, 'family');
  return f;
}
