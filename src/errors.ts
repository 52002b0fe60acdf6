import type { ErrorCode } from './types.js';

/**
 * An error with a stable code. Its message is written by cardhound, never copied from a parser
 * (parser messages can quote file content, and file content can be a card number).
 */
export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Maps any thrown value to a code and a message safe to show: only known, content-free texts. */
export function describeError(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof ExtractError) return { code: error.code, message: error.message };
  const err = error as { name?: unknown; code?: unknown } | null;
  const name = typeof err?.name === 'string' ? err.name : '';
  const code = typeof err?.code === 'string' ? err.code : '';
  if (name === 'AbortError' || code === 'ABORT_ERR') return { code: 'aborted', message: 'scan aborted' };
  if (name === 'PasswordException') return { code: 'encrypted', message: 'document is password-protected' };
  if (code === 'ENOENT') return { code: 'not_found', message: 'file not found' };
  if (code === 'EACCES' || code === 'EPERM') return { code: 'permission_denied', message: 'permission denied' };
  if (code === 'EISDIR') return { code: 'unsupported', message: 'is a directory' };
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return { code: 'memory_limit', message: 'parser ran out of memory' };
  if (code.startsWith('E') && /^E[A-Z]+$/.test(code)) return { code: 'io_error', message: `read failed (${code})` };
  if (error instanceof RangeError) return { code: 'limit', message: 'parser hit an internal size limit' };
  // The parser's own message stays out: it may quote the bytes it choked on.
  return { code: 'corrupt', message: `could not parse file${name ? ` (${name.replace(/[^A-Za-z]/g, '').slice(0, 40)})` : ''}` };
}
