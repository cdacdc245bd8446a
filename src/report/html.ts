/**
 * HTML building blocks of the report: escaping, the one number format, tables
 * that scroll inside their own box, and JSON that is safe inside a script
 * element.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 * Everything user-supplied (channel names, file names, warnings) goes through it.
 * @example esc('<b>"x"</b>') // => '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const MISSING = '–';
const isNum = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** Three significant digits with trailing zeros dropped: 12.3, 0.553, 950. */
function threeDigits(v: number): string {
  if (v === 0) return '0';
  const s = Number(v.toPrecision(3));
  return Math.abs(s) >= 1000 ? s.toFixed(0) : String(s);
}

/**
 * The one number format of the report, for money and counts, in text, tables,
 * chart axes and the planner alike: three significant digits with a k, M or B
 * suffix from a thousand on.
 * @example compact(8799) // => '8.8k'
 * @example compact(13200) // => '13.2k'
 * @example compact(-1234567) // => '-1.23M'
 * @example compact(0.5) // => '0.5'
 */
export function compact(v: number | null | undefined): string {
  if (!isNum(v)) return MISSING;
  const a = Math.abs(v);
  for (const [size, suffix] of [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const) {
    // 999,950 rounds to 1.00M, not 1000k
    if (Number((a / size).toPrecision(3)) >= 1 && a >= size * 0.9995) return `${threeDigits(v / size)}${suffix}`;
  }
  return threeDigits(v);
}

/** A ratio (ROAS, marginal ROI) with two decimals: 0.70. */
export function ratio(v: number | null | undefined): string {
  return isNum(v) ? v.toFixed(2) : MISSING;
}

/** A share as a percentage (0.123 -> 12.3%). */
export function pct(v: number | null | undefined, digits = 1): string {
  return isNum(v) ? `${(v * 100).toFixed(digits)}%` : MISSING;
}

/** A relative change with its sign (0.09 -> +9.0%, -0.012 -> -1.2%). */
export function signedPct(v: number | null | undefined, digits = 1): string {
  if (!isNum(v)) return MISSING;
  const s = (v * 100).toFixed(digits);
  return v > 0 && Number(s) !== 0 ? `+${s}%` : `${Number(s) === 0 ? (0).toFixed(digits) : s}%`;
}

/** A money change with its sign (+1.2k, -350). */
export function signedCompact(v: number | null | undefined): string {
  if (!isNum(v)) return MISSING;
  return v > 0 ? `+${compact(v)}` : compact(v);
}

/** From this many columns on, a table is likely wider than a phone and says, on narrow screens, that it scrolls. */
const WIDE_TABLE = 5;

/**
 * A box that scrolls sideways on its own (the page never does), with a shadow
 * on the side where more columns hide (CSS only) and, for a table of
 * `columns` >= 5 columns, a line above it on narrow screens saying so.
 */
export function scrollBox(inner: string, columns: number, extraClass = ''): string {
  const hint = columns >= WIDE_TABLE ? '<p class="scroll-hint" aria-hidden="true">Scroll the table sideways for more columns →</p>' : '';
  return `${hint}<div class="scroll${extraClass ? ` ${extraClass}` : ''}" tabindex="0">${inner}</div>`;
}

/**
 * A table from a header and rows of already-escaped cells, in a
 * {@link scrollBox}. Numeric columns align right; `wrapLast` lets the last
 * column (notes) wrap.
 */
export function table(header: string[], rows: string[][], caption = '', wrapLast = false): string {
  const head = `<thead><tr>${header.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody>`;
  return scrollBox(`<table>${caption ? `<caption>${caption}</caption>` : ''}${head}${body}</table>`, header.length, wrapLast ? 'wrap-last' : '');
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and the
 * line separators are written as \u escapes, so no string in the data can
 * close the element (`</script>`) or open a comment; JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A marginal ROAS against break-even: the value and "above", "at" (within
 * 1%) or "below", the word coloured and not only the colour telling.
 */
export function vsBreakEven(m: number | null | undefined, breakEven: number): string {
  if (!isNum(m)) return MISSING;
  const rel = m / breakEven - 1;
  const word = Math.abs(rel) <= 0.01 ? 'at' : rel > 0 ? 'above' : 'below';
  return `${ratio(m)} <span class="${word === 'at' ? 'at' : word === 'above' ? 'up' : 'down'}">${word}</span>`;
}

/** A term with its plain-words definition as a tooltip and a link to the glossary entry. */
export function term(word: string, glossaryId: string, definition: string): string {
  return `<a class="term" href="#g-${glossaryId}" title="${esc(definition)}">${esc(word)}</a>`;
}
