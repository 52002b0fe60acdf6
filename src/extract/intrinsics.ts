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

/**
 * `Object.prototype` and `Array.prototype` as this thread started (captured with the natives
 * above). A worker scans many files, and a parser open to prototype pollution (SheetJS 0.18.5,
 * CVE-2023-30533, writes through `__proto__` keys) would otherwise change how every later file
 * in that worker is read: an inherited `minConfidence` alone would turn the threshold down.
 * Libraries add their polyfills to other built-ins (pdf.js's core-js: `Set.prototype`,
 * `Promise`, iterators), which are left alone; should one ever add to these two, this would
 * delete it before the next file.
 */
const PRISTINE = [Object.prototype, Array.prototype].map((proto) => ({
  proto,
  keys: new Set<PropertyKey>(Reflect.ownKeys(proto)),
  descriptors: Object.getOwnPropertyDescriptors(proto) as Record<PropertyKey, PropertyDescriptor>,
}));

/**
 * Deletes what was added to those two prototypes since, and puts back what was changed; our
 * workers call it before each file. Never on an application's thread: it would delete what the
 * application itself added. (`Array.prototype.push` is then restored by both this and
 * {@link restoreIntrinsics}, which is narrow enough to run anywhere pdf.js does.)
 */
export function restorePrototypes(): void {
  for (const { proto, keys, descriptors } of PRISTINE) {
    for (const key of Reflect.ownKeys(proto)) if (!keys.has(key)) Reflect.deleteProperty(proto, key);
    for (const key of keys) {
      const was = descriptors[key as string]!;
      const now = Object.getOwnPropertyDescriptor(proto, key);
      if (!now || now.value !== was.value || now.get !== was.get || now.set !== was.set) Object.defineProperty(proto, key, was);
    }
  }
}
