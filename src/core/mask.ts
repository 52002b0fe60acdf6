import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import type { Brand } from '../types.js';
import { EIGHT_DIGIT_BIN_BRANDS } from './iin.js';

/** The parts of a PAN that may be shown, per PCI DSS 3.4.1 (BIN and last four at most). */
export interface MaskedPan {
  readonly masked: string;
  readonly bin: string;
  readonly last4: string;
}

/**
 * Masks a PAN at birth. Shows the BIN (6 digits, or 8 when asked and the brand issues 8-digit
 * BINs) and the last four — but always hides at least four digits: on a 12- or 13-digit PAN,
 * 6 + 4 would leave two or three unknown digits, one of them recoverable by the Luhn check.
 */
export function maskPan(pan: string, brand: Brand, style: 'bin-last4' | 'last4', binLength: 6 | 8): MaskedPan {
  const last4 = pan.slice(-4);
  if (style === 'last4') return { masked: '*'.repeat(pan.length - 4) + last4, bin: '', last4 };
  const wanted = binLength === 8 && pan.length >= 16 && EIGHT_DIGIT_BIN_BRANDS.has(brand) ? 8 : 6;
  const shown = Math.max(0, Math.min(wanted, pan.length - 8));
  const bin = pan.slice(0, shown);
  return { masked: bin + '*'.repeat(pan.length - shown - 4) + last4, bin, last4 };
}

type Hmac = ReturnType<typeof hmac.create>;

// The keyed state (inner and outer pads hashed) is computed once per key and copied into one
// reused instance per PAN: a fresh clone per PAN allocated more than the hashing cost (a
// digit-dense export has tens of thousands of PANs).
const keyed = new WeakMap<Uint8Array, { readonly base: Hmac; readonly scratch: Hmac }>();
const message = new Uint8Array(32);
const messageOfLength = Array.from({ length: 33 }, (_, n) => message.subarray(0, n));
const digest = new Uint8Array(32);

/** HMAC-SHA-256 of the PAN digits under `key`, hex: stable within one key, useless without it. */
export function fingerprintPan(pan: string, key: Uint8Array): string {
  let state = keyed.get(key);
  if (!state) {
    const base = hmac.create(sha256, key);
    state = { base, scratch: base.clone() };
    keyed.set(key, state);
  }
  // PANs are ASCII digits: their UTF-8 bytes are their code units.
  for (let i = 0; i < pan.length; i++) message[i] = pan.charCodeAt(i);
  state.base._cloneInto(state.scratch).update(messageOfLength[pan.length]!).digestInto(digest);
  return hexOf(digest);
}

const HEX_DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hexCodes = new Array<number>(64).fill(0);

/**
 * Lower-case hex of a 32-byte digest as one flat string. Appending two characters at a time (as
 * `bytesToHex` does) leaves a chain of ~30 concatenation nodes behind each fingerprint: about
 * 0.8 KB per finding, held until the file's report is out.
 */
function hexOf(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) {
    hexCodes[2 * i] = HEX_DIGITS[bytes[i]! >> 4]!;
    hexCodes[2 * i + 1] = HEX_DIGITS[bytes[i]! & 15]!;
  }
  return String.fromCharCode.apply(null, hexCodes);
}

/**
 * Masks long digit runs in a label that will be printed — a file name, an archive entry, an
 * attachment name — since names come from the data too (`card-4111111111111111.txt`). Any run of
 * 12 or more digits (single ` `, `-`, `.` or `_` between digits allowed) keeps at most its first
 * six and last four digits, and always hides at least four.
 */
export function redactDigitRuns(label: string): string {
  // Most labels hold fewer than 12 digits in all: nothing to hide, and no copy to build (a
  // report names the same path once per finding).
  let digitCount = 0;
  for (let i = 0; i < label.length && digitCount < 12; i++) if (isAsciiOrWideDigit(label.charCodeAt(i))) digitCount++;
  if (digitCount < 12) return label;
  let out = '';
  let i = 0;
  while (i < label.length) {
    if (!isAsciiOrWideDigit(label.charCodeAt(i))) {
      out += label[i];
      i++;
      continue;
    }
    let end = i;
    let digits = 0;
    for (;;) {
      while (end < label.length && isAsciiOrWideDigit(label.charCodeAt(end))) {
        end++;
        digits++;
      }
      const sep = label.charCodeAt(end);
      if ((sep === 32 || sep === 45 || sep === 46 || sep === 95) && isAsciiOrWideDigit(label.charCodeAt(end + 1))) end++;
      else break;
    }
    const run = label.slice(i, end);
    if (digits < 12) out += run;
    else {
      const keepHead = Math.min(6, digits - 8);
      let seen = 0;
      for (const ch of run) {
        const isDigit = isAsciiOrWideDigit(ch.charCodeAt(0));
        if (isDigit) seen++;
        out += isDigit && seen > keepHead && seen <= digits - 4 ? '*' : ch;
      }
    }
    i = end;
  }
  return out;
}

function isAsciiOrWideDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19);
}
