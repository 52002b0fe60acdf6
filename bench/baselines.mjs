/**
 * What a careful person would write in ten minutes instead of using cardhound: the yardsticks
 * every cardhound number is compared with, measured in the same run on the same file.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { spawnSync } from 'node:child_process';
import { luhnValid, maskPan } from '../test/support/cards-core.mjs';

/** 13–19 digits, single spaces or dashes between them (the classic card regex). */
export const CARD_REGEX = /\b(?:\d[ -]?){12,18}\d\b/g;
/** The same pattern in POSIX ERE for grep, and in Rust regex syntax for ripgrep. */
const GREP_PATTERN = String.raw`\b([0-9][ -]?){12,18}[0-9]\b`;
const RG_PATTERN = String.raw`\b(?:[0-9][ -]?){12,18}[0-9]\b`;

/**
 * Node stream + readline + regex + Luhn. Returns the regex matches and the masked form of
 * each Luhn-valid one (masked like a cardhound finding so both can be matched to the truth).
 */
export async function naiveScan(file) {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let matches = 0;
  const masked = [];
  for await (const line of lines) {
    for (const m of line.matchAll(CARD_REGEX)) {
      matches++;
      const digits = m[0].replace(/[ -]/g, '');
      if (luhnValid(digits)) masked.push(maskPan(digits));
    }
  }
  return { matches, masked };
}

export function hasCommand(name) {
  return spawnSync('bash', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Runs `command "$1"` through bash and counts its output lines; exit 1 (no match) is a count of 0. */
function countLines(command, file) {
  const script = `set -o pipefail; { ${command} "$1"; test $? -le 1; } | wc -l`;
  const r = spawnSync('bash', ['-c', script, 'bash', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`baseline failed (${r.status}): ${r.stderr.trim().split('\n')[0]}`);
  return Number(r.stdout.trim());
}

/** `grep -E -o` in the C locale (byte-wise, its fastest mode); counts matches, no Luhn. */
export function grepCount(file) {
  return countLines(`LC_ALL=C grep -E -o '${GREP_PATTERN}'`, file);
}

/** ripgrep, when installed; `-o` so it counts matches like grep does, no Luhn. */
export function rgCount(file) {
  return countLines(`rg -o --no-filename --no-line-number '${RG_PATTERN}'`, file);
}
