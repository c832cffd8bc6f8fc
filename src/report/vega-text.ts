/**
 * Names are data: a channel or model name comes from the user's file, and any string a
 * file can hold must reach the figure as the text it is. Browser-safe.
 *
 * Two things stand between a name and the SVG:
 * - XML 1.0 cannot hold most control characters (U+0000–U+001F but tab, LF, CR), the
 *   non-characters U+FFFE/U+FFFF, or unpaired surrogates; one of them makes the SVG
 *   unreadable. `displayText` shows C0 controls and DEL as their Unicode Control Pictures
 *   (NUL → "␀"), visible in the figure and valid everywhere, and the rest as U+FFFD.
 * - Vega compiles a constant text into an expression, and its expression parser looks
 *   literal strings up in a plain object (vega-expression `legalKeywords`), so a name
 *   equal to an `Object.prototype` member — `constructor`, `toString`, `__proto__` — is
 *   read as a signal reference and the view fails ("Operator not defined") or draws
 *   nothing. `vegaTextExpr` writes such a name as a concatenation of two string
 *   literals, neither of which is such a member.
 */

/** C0 controls (tab, LF and CR included: a name is one line), DEL, non-characters, unpaired surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSHOWABLE = /[\u0000-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with every character XML cannot hold (or a terminal would act on) made visible: NUL → "␀", DEL → "␡", others → U+FFFD. */
export function displayText(text: string): string {
  return text.replace(UNSHOWABLE, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\ufffd';
  });
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSHOWABLE_IN_BLOCK = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** As `displayText`, for multi-line text (a <pre> block, a JSON dump): tab, LF and CR stay as they are. */
export function displayBlockText(text: string): string {
  return text.replace(UNSHOWABLE_IN_BLOCK, (c) => displayText(c));
}

/** True when vega's expression parser would misread `text` as a literal (see the file comment). */
function misreadByVega(text: string): boolean {
  return text in Object.prototype;
}

/**
 * A Vega expression whose value is `displayText(text)`, for the few places that take one
 * (`{ signal }`, `{ expr }`); safe for every string, including `constructor` and `__proto__`.
 */
export function vegaTextExpr(text: string): string {
  const shown = displayText(text);
  if (!misreadByVega(shown)) return JSON.stringify(shown);
  return `${JSON.stringify(shown.slice(0, 1))} + ${JSON.stringify(shown.slice(1))}`;
}

/**
 * A text property of a Vega-Lite spec (an axis or field title) holding `text`: the plain
 * string where Vega reads it as written, else a signal that evaluates to it.
 */
export function vegaTitle(text: string): string | { signal: string } {
  const shown = displayText(text);
  return misreadByVega(shown) ? { signal: vegaTextExpr(shown) } : shown;
}

/** The `text` of a Vega-Lite title (`TitleParams.text`) holding `text`: the plain string, or an expression (`{ expr }`) where Vega would misread it. */
export function vegaTitleText(text: string): string | { expr: string } {
  const shown = displayText(text);
  return misreadByVega(shown) ? { expr: vegaTextExpr(shown) } : shown;
}
