/**
 * Runs a chatty library's generator with `console` muted. Some parsers (pst-extractor, pdf.js
 * builds) print diagnostics that quote what they were reading — folder names, subjects, text —
 * and whatever reaches a log is output we promised would never hold card data.
 */
const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let depth = 0;
let saved: Partial<Record<(typeof METHODS)[number], (...args: unknown[]) => void>> = {};

function mute(): void {
  if (depth++ > 0) return;
  saved = {};
  for (const name of METHODS) {
    saved[name] = console[name];
    console[name] = () => {};
  }
}

function unmute(): void {
  if (--depth > 0) return;
  for (const name of METHODS) if (saved[name]) console[name] = saved[name]!;
}

/** Yields what `source` yields, with `console` silent while the source is working. */
export async function* quietly<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      mute();
      let step: IteratorResult<T>;
      try {
        step = await iterator.next();
      } finally {
        unmute();
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    mute();
    try {
      await iterator.return?.();
    } finally {
      unmute();
    }
  }
}
