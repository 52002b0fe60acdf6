/**
 * pdf-parse loads pdf.js's legacy build, which bundles core-js. On loading, core-js replaces
 * three built-ins for the whole thread with JavaScript versions: `Array.prototype.push` (for a
 * corner of the spec: array-likes longer than 2^32 − 1), `JSON.parse` (for the "source text
 * access" proposal) and `Function.prototype.toString` (to make its replacements look native).
 * Every `push` in the thread then runs through a polyfill, ours and every other parser's: in a
 * worker scanning a share it was about a tenth of the thread's time. pdf.js does not rely on
 * those corners, so the native functions are put back once pdf.js is loaded and after each
 * document (its worker half loads on first use and may install them again).
 *
 * The natives are captured when this module is evaluated, which is before any extractor is
 * imported: the registry imports this module statically and the extractors lazily.
 */
type Slot = readonly [holder: object, key: string, native: unknown];

const SLOTS: readonly Slot[] = [
  [Array.prototype, 'push', Array.prototype.push],
  [JSON, 'parse', JSON.parse],
  [Function.prototype, 'toString', Function.prototype.toString],
];

/** Puts back any of the guarded built-ins that a library replaced; returns how many. */
export function restoreIntrinsics(): number {
  let restored = 0;
  for (const [holder, key, native] of SLOTS) {
    if ((holder as Record<string, unknown>)[key] === native) continue;
    Object.defineProperty(holder, key, { value: native, writable: true, enumerable: false, configurable: true });
    restored++;
  }
  return restored;
}
