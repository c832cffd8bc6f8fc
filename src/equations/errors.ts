/**
 * The one error the equation language throws for a user's mistake. Its message is one
 * line naming line, column and token ("unknown name "q" at 2:14 — states are x, v; …"),
 * so a CLI prints it as is; the fields let tools (an editor, the web playground) point at it.
 */
import { LawfulError } from '../core/errors.js';

/** A place in the equation text: 1-based line and column. */
export interface SourcePos {
  line: number;
  column: number;
}

export class EquationError extends LawfulError {
  override name = 'EquationError';
  /** Where the mistake sits, when it sits at one place. */
  readonly pos: SourcePos | undefined;
  /** The offending token as written, when there is one. */
  readonly token: string | undefined;
  constructor(message: string, pos?: SourcePos, token?: string) {
    super(message);
    this.pos = pos;
    this.token = token;
  }
}

/** "2:14", the form every message uses for a position. */
export function at(pos: SourcePos): string {
  return `${pos.line}:${pos.column}`;
}
