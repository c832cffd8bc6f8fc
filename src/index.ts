// Public API of lawful. Folders are layers (DESIGN.md); each re-exports its own surface.
export * from './core/errors.js';
export * from './core/params.js';
export * from './core/rng.js';
export * from './core/gradcheck.js';
export * from './ode/term.js';
export * from './data/series.js';
export type * from './models/base.js';
