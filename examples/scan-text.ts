/**
 * Scan a string and print what was found: masked number, brand, confidence and the reasons
 * behind the score. `scanText` is synchronous and pure: no files, no workers.
 *
 * Run with any TypeScript runner, e.g. `npx tsx examples/scan-text.ts` (tsx is not a dependency),
 * or bundle it with the esbuild that the dev dependencies bring:
 *   npx esbuild examples/scan-text.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=node_modules/.examples/scan-text.mjs && node node_modules/.examples/scan-text.mjs
 * In your own code, import from 'cardhound' instead of '../src/index.js'.
 *
 * The card numbers below are generated (Luhn-valid, random account digits) or brands'
 * published test numbers: never put real card data in code.
 */
import { scanText, type Finding } from '../src/index.js';

const note = `
Call from Mrs Okafor, 1 March: please charge the card number 4696 5049 9811 0904, exp 08/25,
CVV on the back 752. Her old Mastercard 5560-0159-9924-6373 is cancelled.
Reception iPhone IMEI 352099001761481 (not a card). Sandbox test card 4111 1111 1111 1111.
`;

/** One line per finding: never the number itself, only its mask. */
function describe(finding: Finding): string {
  const where = finding.location.line !== undefined ? `line ${finding.location.line}:${finding.location.column ?? '?'}` : 'text';
  const companions = [finding.expiry ? 'expiry' : '', finding.cvv ? 'CVV' : ''].filter(Boolean).join('+');
  return [
    `${where.padEnd(10)} ${finding.masked.padEnd(20)} ${finding.brand.padEnd(11)} ${finding.confidence.padEnd(6)} score ${finding.score.toFixed(2)}`,
    companions ? `  with ${companions}` : '',
    finding.testCard ? '  (published test number)' : '',
    `\n           reasons: ${finding.reasons.join(', ')}`,
  ].join('');
}

// Default threshold (medium): the test number and the IMEI are held back.
const findings = scanText(note);
console.log(`${findings.length} finding(s) at the default threshold:`);
for (const finding of findings) console.log(describe(finding));

// Everything down to `low`, test numbers included, to see why the rest was held back.
console.log('\ndown to low, including published test numbers:');
for (const finding of scanText(note, { minConfidence: 'low', includeTestCards: true })) console.log(describe(finding));

// Only the last four digits, e.g. for a support screen.
console.log('\nmask: last4 →', scanText(note, { mask: 'last4' }).map((f) => f.masked).join(', '));
