import type { Brand } from '../types.js';

/**
 * IIN (issuer identification number) ranges with the PAN lengths each brand issues.
 *
 * A range is `[from, to]` over the leading digits (both bounds have the same number of
 * digits). When several ranges match, the one with the longest prefix wins, so specific
 * ranges (e.g. Elo's 636368 inside Discover-ish 6) override broad ones.
 */
interface IinRange {
  readonly brand: Brand;
  readonly from: number;
  readonly to: number;
  readonly digits: number;
  readonly lengths: readonly number[];
}

const r = (brand: Brand, from: number, to: number, lengths: readonly number[]): IinRange => ({
  brand,
  from,
  to,
  digits: String(from).length,
  lengths,
});

const L16 = [16] as const;
const L16_19 = [16, 17, 18, 19] as const;

export const IIN_RANGES: readonly IinRange[] = [
  // Visa: 4, lengths 13/16/19. Source: Visa "Visa Core Rules"; braintree/credit-card-type (visa: 4 → 16, 18, 19); 13 digits were issued historically (ccsrch, Presidio accept 13).
  r('visa', 4, 4, [13, 16, 19]),
  // Mastercard: 51–55 and 2221–2720 (2-series since 2017), 16 digits. Source: Mastercard Rules; ccsrch 222100–272099.
  r('mastercard', 51, 55, L16),
  r('mastercard', 2221, 2720, L16),
  // American Express: 34, 37, 15 digits. Source: braintree/credit-card-type; PANhunt patterns.
  r('amex', 34, 34, [15]),
  r('amex', 37, 37, [15]),
  // Discover: 6011, 622126–622925 (co-branded UnionPay), 644–649, 65; 16–19 digits. Source: Discover IIN guide (D-PAS bulletin), PANhunt Discover regex.
  r('discover', 6011, 6011, L16_19),
  r('discover', 622126, 622925, L16_19),
  r('discover', 644, 649, L16_19),
  r('discover', 65, 65, L16_19),
  // JCB: 3528–3589, 16–19 digits. Source: braintree/credit-card-type (jcb 3528–3589 → 16–19).
  r('jcb', 3528, 3589, L16_19),
  // Diners Club: 300–305, 3095, 36 (14 digits), 38–39 (16 digits); international ranges also 16–19. Source: braintree/credit-card-type (diners 300–305, 36, 38, 39 → 14/16/19); PANhunt Diners regex.
  r('diners', 300, 305, [14, 16, 17, 18, 19]),
  r('diners', 3095, 3095, [14, 16, 17, 18, 19]),
  r('diners', 36, 36, [14, 16, 17, 18, 19]),
  r('diners', 38, 39, [16, 17, 18, 19]),
  // UnionPay: 62 (outside Discover's 622126–622925), 81 (8100–8171), 16–19 digits. Source: braintree/credit-card-type (unionpay 620, 62100–62182 …, 810–8171 → 14–19).
  r('unionpay', 62, 62, L16_19),
  r('unionpay', 8100, 8171, L16_19),
  // Maestro: 50, 56–58, 639, 67, 6759 (UK), 12–19 digits. Source: braintree/credit-card-type (maestro 500000–508999 ranges, 56–59, 63, 67 → 12–19); PANhunt Maestro regex.
  r('maestro', 50, 50, [12, 13, 14, 15, 16, 17, 18, 19]),
  r('maestro', 56, 58, [12, 13, 14, 15, 16, 17, 18, 19]),
  r('maestro', 639, 639, [12, 13, 14, 15, 16, 17, 18, 19]),
  r('maestro', 67, 67, [12, 13, 14, 15, 16, 17, 18, 19]),
  // Mir: 2200–2204, 16–19 digits. Source: braintree/credit-card-type (mir 2200–2204 → 16–19); NSPK.
  r('mir', 2200, 2204, L16_19),
  // RuPay: 60 (6061–6085 family), 652150–653149, 508500–508999; 16 digits. Source: NPCI RuPay BIN notes; Purview lists RuPay.
  // (RuPay's JCB co-branded 353/356 ranges sit inside JCB's 3528–3589 and are reported as jcb.)
  r('rupay', 60, 60, L16),
  r('rupay', 652150, 653149, L16),
  r('rupay', 508500, 508999, L16),
  // Elo (Brazil): selected 6-digit ranges, 16 digits. Source: braintree/credit-card-type elo patterns (401178, 431274, 438935, 451416, 457393, 504175, 506699–506778, 509000–509999, 627780, 636297, 636368, 650031–650033, 650035–650051, 650405–650439, 650485–650538, 650541–650598, 650700–650718, 650720–650727, 650901–650978, 651652–651679, 655000–655019, 655021–655058).
  ...[
    [401178, 401179], [431274, 431274], [438935, 438935], [451416, 451416], [457393, 457393],
    [457631, 457632], [504175, 504175], [506699, 506778], [509000, 509999], [627780, 627780],
    [636297, 636297], [636368, 636368], [650031, 650033], [650035, 650051], [650405, 650439],
    [650485, 650538], [650541, 650598], [650700, 650718], [650720, 650727], [650901, 650978],
    [651652, 651679], [655000, 655019], [655021, 655058],
  ].map(([from, to]) => r('elo', from!, to!, L16)),
  // Hipercard (Brazil): 606282, 3841 (384100, 384140, 384160), 16–19 digits. Source: braintree/credit-card-type (hipercard 606282; hiper 637095, 63737423, 63743358, 637568, 637599, 637609, 637612).
  r('hipercard', 606282, 606282, L16_19),
  r('hipercard', 384100, 384100, L16_19),
  r('hipercard', 384140, 384140, L16_19),
  r('hipercard', 384160, 384160, L16_19),
  r('hipercard', 637095, 637095, L16),
  r('hipercard', 637568, 637568, L16),
  r('hipercard', 637599, 637599, L16),
  r('hipercard', 637609, 637609, L16),
  r('hipercard', 637612, 637612, L16),
  // Verve (Nigeria): 506099–506198, 650002–650027, 507865–507964; 16, 18, 19 digits. Source: braintree/credit-card-type (verve).
  r('verve', 506099, 506198, [16, 18, 19]),
  r('verve', 650002, 650027, [16, 18, 19]),
  r('verve', 507865, 507964, [16, 18, 19]),
  // Troy (Turkey): 9792, 16 digits. Source: braintree/credit-card-type (troy 9792, 65xxxx → 16).
  r('troy', 9792, 9792, L16),
  // UATP (airline): 1, 15 digits. Source: UATP spec; creditcard.js issue #85 notes 15 digits.
  r('uatp', 1, 1, [15]),
  // Dankort (Denmark): 5019, 16 digits. Source: Macie supported brands (Dankort); Nets.
  r('dankort', 5019, 5019, L16),
];

// Ranges bucketed by their first digit so a lookup scans a handful of entries, not all.
const BY_FIRST_DIGIT: IinRange[][] = Array.from({ length: 10 }, () => []);
for (const range of IIN_RANGES) BY_FIRST_DIGIT[Number(String(range.from)[0])]!.push(range);

/** Brand lookup result: `lengthOk` says whether the brand issues PANs of this length. */
export interface BrandMatch {
  readonly brand: Brand;
  readonly lengthOk: boolean;
}

const UNKNOWN: BrandMatch = Object.freeze({ brand: 'unknown', lengthOk: false });

/**
 * The brand of a PAN by its leading digits; the most specific (longest-prefix) range wins.
 * When the most specific brand does not issue this length, a broader brand that does is used.
 */
export function brandOf(pan: string): BrandMatch {
  const bucket = BY_FIRST_DIGIT[pan.charCodeAt(0) - 48];
  if (!bucket) return UNKNOWN;
  let best: IinRange | undefined;
  let bestOk: IinRange | undefined;
  for (const range of bucket) {
    const prefix = Number(pan.slice(0, range.digits));
    if (prefix < range.from || prefix > range.to) continue;
    if (!best || range.digits > best.digits) best = range;
    if (range.lengths.includes(pan.length) && (!bestOk || range.digits > bestOk.digits)) bestOk = range;
  }
  if (bestOk) return { brand: bestOk.brand, lengthOk: true };
  if (best) return { brand: best.brand, lengthOk: false };
  return UNKNOWN;
}

/** The IIN table by first digit as 6-digit prefix bounds and a bit mask of lengths (bit n: n digits). */
export interface PrefixRange {
  readonly low: number;
  readonly high: number;
  readonly lengths: number;
}

// The same table as bit masks of lengths and 6-digit bounds, for the allocation-free check below
// (and the WebAssembly finder's copy of it).
export const NUMERIC_BY_FIRST_DIGIT: readonly (readonly PrefixRange[])[] = BY_FIRST_DIGIT.map((bucket) =>
  bucket.map((range) => {
    const scale = 10 ** (6 - range.digits);
    return { low: range.from * scale, high: (range.to + 1) * scale - 1, lengths: range.lengths.reduce((mask, n) => mask | (1 << n), 0) };
  }),
);

/**
 * Whether some brand issues PANs of `length` digits starting with these leading digits —
 * `brandOf(pan).lengthOk` without building the PAN string: `prefix6` is the number formed by
 * the first six digits. The candidate finder uses it to skip the many Luhn-valid ids and
 * timestamps of no brand before it allocates anything for them.
 */
export function brandIssues(prefix6: number, length: number): boolean {
  const bucket = NUMERIC_BY_FIRST_DIGIT[(prefix6 / 100_000) | 0];
  if (!bucket) return false;
  const bit = 1 << length;
  for (const range of bucket) if (prefix6 >= range.low && prefix6 <= range.high && (range.lengths & bit) !== 0) return true;
  return false;
}

/** Brands whose 16-digit PANs may carry 8-digit BINs (PCI SSC FAQ on 8-digit BINs). */
export const EIGHT_DIGIT_BIN_BRANDS: ReadonlySet<Brand> = new Set<Brand>(['visa', 'mastercard', 'discover', 'jcb', 'unionpay']);

/** The usual printed grouping per brand and length, e.g. `4-6-5` for amex. */
export function usualGrouping(brand: Brand, length: number): string {
  if (brand === 'amex' && length === 15) return '4-6-5';
  if (brand === 'diners' && length === 14) return '4-6-4';
  const sizes: number[] = [];
  for (let left = length; left > 0; left -= 4) sizes.push(Math.min(4, left));
  return sizes.join('-');
}
