/**
 * The progress line on standard error. On a terminal it is one line redrawn in place and
 * erased before anything else is printed; elsewhere (`--progress` into a CI log) it is a plain
 * line every few seconds, so logs stay readable.
 */
import type { ScanProgress } from '../types.js';
import type { CliWriter } from './run.js';

const ERASE_LINE = '\r\u001b[2K';

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

// File names can hold control characters that would break the line or repaint the terminal.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** One progress line, at most `width` characters (the current file is shortened from the left). */
export function formatProgress(progress: ScanProgress, width: number): string {
  const head =
    `${progress.files} files ${human(progress.bytes)} (${human(progress.rate)}/s), ` +
    `${progress.findings} findings, ${progress.errors} errors`;
  if (progress.current === undefined) return head.slice(0, width);
  const room = width - head.length - 3;
  if (room < 8) return head.slice(0, width);
  const current = progress.current.replace(UNSAFE, '?');
  return `${head} · ${current.length > room ? `…${current.slice(current.length - room + 1)}` : current}`;
}

/** Draws progress on a writer; `terminal` decides between redraw-in-place and plain lines. */
export class ProgressLine {
  private shown = false;

  constructor(
    private readonly out: CliWriter,
    private readonly terminal: boolean,
    private readonly width: number,
  ) {}

  /** Shows the latest progress. */
  async draw(progress: ScanProgress): Promise<void> {
    if (this.terminal) {
      await this.out.write(`${ERASE_LINE}${formatProgress(progress, this.width - 1)}`);
      this.shown = true;
    } else {
      await this.out.write(`${formatProgress(progress, this.width)}\n`);
    }
  }

  /** Erases the line (if one is shown) so that other output starts on a clean line. */
  async clear(): Promise<void> {
    if (!this.shown) return;
    this.shown = false;
    await this.out.write(ERASE_LINE);
  }
}
