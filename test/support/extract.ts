import { DEFAULT_LIMITS } from '../../src/options.js';
import type { ExtractContext, Extractor } from '../../src/extract/types.js';
import type { ExtractItem, LimitOptions } from '../../src/types.js';

/** An extraction context with the default limits, any of them (or other fields) overridden. */
export function ctx(over: Partial<Omit<ExtractContext, 'limits'>> & { limits?: Partial<LimitOptions> } = {}): ExtractContext {
  const { limits, ...rest } = over;
  return {
    limits: { ...DEFAULT_LIMITS, ...limits },
    expandBudget: DEFAULT_LIMITS.maxExpandedBytes,
    archives: true,
    binaryStrings: true,
    ...rest,
  };
}

/** Runs an extractor to its end: the items it yielded, and what it threw, if anything. */
export async function run(extractor: Extractor, bytes: Uint8Array, context = ctx()): Promise<{ items: ExtractItem[]; error?: unknown }> {
  const items: ExtractItem[] = [];
  try {
    for await (const item of extractor.extract(bytes, context)) items.push(item);
  } catch (error) {
    return { items, error };
  }
  return { items };
}
