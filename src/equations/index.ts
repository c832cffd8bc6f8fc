/** Public surface of the equation language (docs/equations.md): parse, check, differentiate, compile. */
export { CompiledSystem, compileSystem, parseSystem } from './compile.js';
export type { CompileOptions, CompiledMap, ParamSpec } from './compile.js';
export type { CheckedSystem } from './check.js';
export { EquationError } from './errors.js';
export type { SourcePos } from './errors.js';
export type { InputFunction } from './evaluate.js';
export { FUNCTION_NAMES } from './functions.js';
export type { Expr } from './ast.js';
export { printExpr, sameExpr } from './ast.js';
export { derivative } from './derive.js';
export { reservedReason } from './parse.js';
export { compileFunctions } from './functions-of.js';
export type { CompiledFunctions } from './functions-of.js';
export type { SystemSyntax, ParamDecl, ConstDecl, InputDecl, StateEquation, NamedExpr, InitDecl } from './syntax.js';
