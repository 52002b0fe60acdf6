import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
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

/** HMAC-SHA-256 of the PAN digits under `key`, hex: stable within one key, useless without it. */
export function fingerprintPan(pan: string, key: Uint8Array): string {
  return bytesToHex(hmac(sha256, key, utf8ToBytes(pan)));
}
