import type { Settings } from '../options.js';
import type { Brand, Confidence, FindingKind, SegmentField } from '../types.js';
import { findCandidates, isDigitCode, type Candidate } from './candidates.js';
import { classifyFieldName, findKeywords, type KeywordHit } from './context.js';
import { findSecurityCodes, looksLikeSecurityCodeValue } from './cvv.js';
import { findExpiryDates, looksLikeExpiryValue } from './expiry.js';
import { brandOf, usualGrouping } from './iin.js';
import { luhnCheckDigit } from './luhn.js';
import { fingerprintPan, maskPan } from './mask.js';
import { SCORE, confidenceOf, entropyFlags } from './score.js';
import { isTestCard } from './test-cards.js';
import { findTrack } from './track.js';

/** A detection in one text: offsets instead of locations; the scanner turns them into a `Location`. */
export interface Detection {
  readonly start: number;
  readonly end: number;
  readonly kind: FindingKind;
  readonly brand: Brand;
  readonly masked: string;
  readonly bin: string;
  readonly last4: string;
  readonly length: number;
  readonly score: number;
  readonly confidence: Confidence;
  readonly reasons: readonly string[];
  readonly testCard: boolean;
  readonly fingerprint: string;
  /** Offset of the expiry date that belongs to this PAN, if any. */
  readonly expiryAt?: number;
  /** Offset of the security code that belongs to this PAN, if any (never its value). */
  readonly cvvAt?: number;
  /** Field the PAN sits in (CSV cell, sheet cell), if the segment has fields. */
  readonly field?: SegmentField;
}

/** Counters a caller can keep across calls (for the summary). */
export interface DetectCounters {
  /** Card-format candidates that failed the Luhn check. */
  rejected: number;
  /** Luhn-valid detections held back by the filter. */
  suppressed: number;
}

/** Structure the extractor knows about the text: field names act as context. */
export interface DetectInput {
  readonly text: string;
  /** Candidates are searched in `[from, to)`; context may look outside it. */
  readonly from?: number;
  readonly to?: number;
  readonly fieldName?: string;
  readonly fields?: readonly SegmentField[];
}

/** A number worth scoring: its best reading, brand and extent (see {@link collectPicks}). */
export interface NumberPick {
  readonly candidate: Candidate;
  readonly brand: Brand;
  readonly brandOk: boolean;
  readonly kind: FindingKind;
  /** Extent of track data (whole stripe), else the PAN. */
  readonly extentEnd: number;
  readonly trackExpiryAt?: number;
  /** The last digit was lost in storage and is the Luhn check digit computed from the rest. */
  readonly restored?: boolean;
}

const USUAL_LENGTHS: Partial<Record<Brand, readonly number[]>> = {
  amex: [15],
  diners: [14],
  unionpay: [16, 19],
  maestro: [16, 19],
};

function priority(c: Candidate, brandOk: boolean, brand: Brand, wholeRun: boolean): number {
  const usual = USUAL_LENGTHS[brand] ?? [16];
  return (brandOk ? 4 : 0) + (usual.includes(c.digits.length) ? 2 : 0) + (wholeRun ? 1 : 0);
}

/**
 * Finds every Luhn-valid PAN and track in `input.text`, scores it from its context, applies the
 * filter stage (threshold, test numbers, allow-lists — held-back ones are counted in
 * `counters.suppressed`) and masks what is reported. Pure and synchronous.
 */
export function detect(input: DetectInput, settings: Settings, counters?: DetectCounters): Detection[] {
  const picks = withRestoredPans(input, collectPicks(input.text, input.from ?? 0, input.to ?? input.text.length, settings, counters), settings);
  return picks.length === 0 ? [] : scorePicks(input, picks, settings, counters);
}

/**
 * `picks` plus the PANs of fields that lost their last digit in storage (a 16-digit number typed
 * into a spreadsheet keeps 15 significant digits: `SegmentField.significantDigits`). A PAN's last
 * digit is its Luhn check digit, so the first 15 give it back exactly; what Luhn can no longer
 * tell (the number was never checked) the score leaves to context. A pick the finder made of
 * the stored digits themselves (Luhn-valid by chance, or the PAN ends in 0) gives way.
 */
export function withRestoredPans(input: DetectInput, picks: NumberPick[], settings: Pick<Settings, 'minConfidence'>): NumberPick[] {
  const { text, fields } = input;
  if (!fields) return picks;
  const from = input.from ?? 0;
  const to = input.to ?? text.length;
  let restored: NumberPick[] | undefined;
  for (const field of fields) {
    const kept = field.significantDigits;
    if (kept === undefined || field.start < from || field.end > to || field.end - field.start !== kept + 1) continue;
    const stored = text.slice(field.start, field.end);
    if (!/^\d+0$/.test(stored)) continue;
    const pan = stored.slice(0, kept) + luhnCheckDigit(stored.slice(0, kept));
    const match = brandOf(pan);
    // Above `low` only numbers some brand issues are worth scoring (as in the finder).
    if (!match.lengthOk && settings.minConfidence !== 'low') continue;
    (restored ??= []).push({
      candidate: { start: field.start, end: field.end, digits: pan, grouping: String(pan.length) },
      brand: match.brand,
      brandOk: match.lengthOk,
      kind: 'pan',
      extentEnd: field.end,
      restored: true,
    });
  }
  if (!restored) return picks;
  const inRestored = (p: NumberPick) => restored!.some((r) => p.candidate.start < r.candidate.end && r.candidate.start < p.candidate.end);
  return picks.filter((p) => !inRestored(p)).concat(restored).sort((a, b) => a.candidate.start - b.candidate.start);
}

/**
 * First stage of {@link detect}: the numbers in `text[from, to)` worth scoring, in text order.
 * Counts the card-format runs that fail Luhn and the Luhn-valid ones no brand issues; the
 * second stage counts what its filter holds back. A caller may score the picks of part of a
 * text again with more structure (a streamed CSV line as a record with named cells).
 */
export function collectPicks(text: string, from: number, to: number, settings: Pick<Settings, 'minConfidence'>, counters?: DetectCounters): NumberPick[] {
  const picks: NumberPick[] = [];
  // Unknown-IIN numbers are capped low: above that threshold they are not even picked (digit-dense
  // files have hundreds of thousands of Luhn-valid timestamps and ids).
  const keepUnknown = settings.minConfidence === 'low';

  const tally = { rejected: 0, heldBack: 0 };
  findCandidates(
    text,
    (readings, runStart, runEnd) => {
      // Above `low`, the finder has already dropped readings no brand issues (`knownBrandsOnly`).
      const scored: { c: Candidate; brand: Brand; brandOk: boolean; p: number }[] = [];
      for (const c of readings) {
        const match = brandOf(c.digits);
        scored.push({ c, brand: match.brand, brandOk: match.lengthOk, p: priority(c, match.lengthOk, match.brand, c.start === runStart && c.end === runEnd) });
      }
      scored.sort((a, b) => b.p - a.p || b.c.digits.length - a.c.digits.length || a.c.start - b.c.start);
      const taken: Candidate[] = [];
      let resume = runEnd;
      for (const s of scored) {
        if (taken.some((t) => s.c.start < t.end && t.start < s.c.end)) continue;
        const track = findTrack(text, s.c.start, s.c.end, to);
        if (track === 'invalid') continue; // `B<digits>` without the track 1 layout: a glued word
        taken.push(s.c);
        picks.push({
          candidate: s.c,
          brand: s.brand,
          brandOk: s.brandOk,
          kind: track ? track.kind : 'pan',
          extentEnd: track ? track.end : s.c.end,
          ...(track ? { trackExpiryAt: track.expiryAt } : {}),
        });
        if (track) resume = Math.max(resume, track.end);
      }
      return resume;
    },
    from,
    to,
    !keepUnknown,
    tally,
  );
  if (counters) {
    counters.rejected += tally.rejected;
    // Luhn-valid but of no brand: capped low, so held back at this threshold.
    counters.suppressed += tally.heldBack;
  }
  picks.sort((a, b) => a.candidate.start - b.candidate.start);
  return picks;
}

/**
 * Second stage of {@link detect}: scores each pick from its context in `input.text`, applies the
 * filter (counted in `counters.suppressed`) and masks what is reported.
 */
export function scorePicks(input: DetectInput, picks: readonly NumberPick[], settings: Settings, counters?: DetectCounters): Detection[] {
  const { text } = input;
  const fieldHint = input.fieldName ? classifyFieldName(input.fieldName) : undefined;
  const fields = input.fields ?? [];
  const companionFields = collectCompanionFields(text, fields);
  const detections: Detection[] = [];

  for (let n = 0; n < picks.length; n++) {
    const pick = picks[n]!;
    const { candidate } = pick;
    const pan = candidate.digits;
    const testCard = isTestCard(pan);
    // Cheap verdicts first: an unknown IIN is capped low and a test number is held back unless
    // asked for, so their context is not worth computing (digit-dense files have thousands).
    if ((!pick.brandOk && settings.minConfidence !== 'low') || (testCard && !settings.includeTestCards)) {
      if (counters) counters.suppressed++;
      continue;
    }
    const reasons: string[] = [pick.restored ? 'check_digit_restored' : 'luhn'];
    let score: number = pick.restored ? SCORE.restoredCheckDigit : SCORE.luhn;

    // The context window never reaches past a neighbouring PAN: its words and dates are its own.
    // Numbers of no known brand do not count as neighbours (a UUID's digit group must not hide
    // the "uuid:" label from the group after it).
    const prev = neighbour(picks, n, -1);
    const next = neighbour(picks, n, 1);
    const prevEnd = prev ? prev.extentEnd : 0;
    const nextStart = next ? next.candidate.start : text.length;
    const lo = Math.max(prevEnd, lineBoundBefore(text, candidate.start, candidate.start - settings.windowBefore));
    const alone = lineBoundBefore(text, candidate.start, candidate.start - settings.windowBefore) < text.lastIndexOf('\n', candidate.start - 1) + 1;
    const hi = Math.min(nextStart, lineBoundAfter(text, pick.extentEnd, pick.extentEnd + settings.windowAfter, alone));

    if (pick.brandOk && pick.brand !== 'uatp') {
      score += SCORE.brand;
      reasons.push(`brand:${pick.brand}`);
    } else if (pick.brandOk) {
      // UATP's prefix "1" + 15 digits is shared by countless ids and timestamps.
      score += SCORE.weakBrand;
      reasons.push(`brand:${pick.brand}`);
    } else {
      reasons.push(pick.brand === 'unknown' ? 'brand:unknown' : `brand:${pick.brand}:bad_length`);
    }
    // A prefix of a brand with a length that brand never issues is not that brand's card.
    const brand: Brand = pick.brandOk ? pick.brand : 'unknown';

    const grouped = candidate.grouping.includes('-');
    reasons.push(`format:${candidate.grouping}`);
    if (grouped) score += candidate.grouping === usualGrouping(pick.brand, pan.length) ? SCORE.usualFormat : SCORE.unusualFormat;

    // Context words on both sides of the number.
    const before = findKeywords(text, lo, candidate.start);
    const after = findKeywords(text, pick.extentEnd, hi);
    const field = fields.length > 0 ? fieldAt(fields, candidate.start) : undefined;
    const hint = field?.name !== undefined ? classifyFieldName(field.name) : fieldHint;
    const positives = (hits: readonly KeywordHit[]) => hits.filter((h) => h.category === 'card' || h.category === 'securityCode' || h.category === 'expiry');
    const posBefore = positives(before);
    const posAfter = positives(after);
    const hintPositive = hint !== undefined && (hint.category === 'card' || hint.category === 'securityCode' || hint.category === 'expiry');
    const anyPositive = posBefore.length > 0 || posAfter.length > 0 || hintPositive;

    const nearestBefore = posBefore.reduce<KeywordHit | undefined>((best, h) => (!best || h.end > best.end ? h : best), undefined);
    const nearestAfter = posAfter.reduce<KeywordHit | undefined>((best, h) => (!best || h.start < best.start ? h : best), undefined);
    if (nearestBefore || nearestAfter) {
      const useBefore = nearestBefore && (!nearestAfter || candidate.start - nearestBefore.end <= nearestAfter.start - pick.extentEnd);
      const k = useBefore ? nearestBefore! : nearestAfter!;
      const rel = useBefore ? `-${candidate.start - k.start}` : `+${k.start - pick.extentEnd}`;
      score += SCORE.keyword;
      reasons.push(`keyword:${k.keyword.replace(/\s+/g, '_')}@${rel}`);
    }
    if (hintPositive) {
      score += SCORE.field;
      reasons.push(`field:${hint!.keyword.replace(/\s+/g, '_')}`);
    }

    // Negative context: the nearest label wins — "phone … card: <pan>" is a card.
    let negative: { hit: KeywordHit; hard: boolean; rel: string } | undefined;
    for (const h of before) {
      if (h.category !== 'negativeHard' && h.category !== 'negativeSoft') continue;
      if (nearestBefore && nearestBefore.start >= h.end) continue; // a card word stands nearer
      const hard = h.category === 'negativeHard';
      if (!hard && anyPositive) continue;
      if (!negative || (hard && !negative.hard) || h.end > negative.hit.end) negative = { hit: h, hard, rel: `-${candidate.start - h.start}` };
    }
    for (const h of after) {
      if (h.category !== 'negativeHard' && h.category !== 'negativeSoft') continue;
      if (nearestAfter && nearestAfter.end <= h.start) continue;
      const hard = h.category === 'negativeHard';
      if (!hard && anyPositive) continue;
      if (!negative || (hard && !negative.hard)) negative = { hit: h, hard, rel: `+${h.start - pick.extentEnd}` };
    }
    if (negative) {
      score += negative.hard ? SCORE.negativeHard : SCORE.negativeSoft;
      reasons.push(`neg:${negative.hit.keyword.replace(/\s+/g, '_')}@${negative.rel}`);
    }
    if (hint && (hint.category === 'negativeHard' || (hint.category === 'negativeSoft' && posBefore.length === 0 && posAfter.length === 0))) {
      score += hint.category === 'negativeHard' ? SCORE.negativeHard : SCORE.negativeSoft;
      reasons.push(`neg_field:${hint.keyword.replace(/\s+/g, '_')}`);
    }

    // "+4915195804229": an international phone number, whatever its checksum says.
    if (text.charCodeAt(candidate.start - 1) === 43 && !anyPositive) {
      score += SCORE.negativeHard;
      reasons.push('neg:phone_format');
    }

    // Companions: expiry date and security code that belong to this PAN.
    const allKeywords = before.concat(after);
    const amex = pick.brand === 'amex';
    // Forms put one field per line ("Card number: …\nExpiry date: 08/28\nSecurity code: 752"):
    // past the line, companions are still taken when a label opens a line. A line that opens
    // otherwise (a log line's timestamp) is another record, whatever words it holds.
    const companionHi = Math.min(nextStart, pick.extentEnd + 2 * settings.windowAfter, text.length);
    const labelled =
      companionHi > hi ? findKeywords(text, hi, companionHi).filter((k) => (k.category === 'expiry' || k.category === 'securityCode') && opensLine(text, k.start)) : [];
    let expiryAt = pick.trackExpiryAt;
    if (expiryAt === undefined) {
      expiryAt = nearest(findExpiryDates(text, lo, hi, candidate.start, pick.extentEnd, allKeywords), candidate.start, pick.extentEnd);
      if (expiryAt === undefined && labelled.length > 0) expiryAt = findExpiryDates(text, hi, companionHi, hi, hi, labelled, true)[0];
      expiryAt ??= nearest(companionFields.expiry.filter((at) => at >= lo && at < hi), candidate.start, pick.extentEnd);
      if (expiryAt === undefined && fields.length > 0) expiryAt = nearestInRecord(companionFields.expiry, picks, n);
    }
    if (expiryAt !== undefined && pick.trackExpiryAt === undefined && closerToNeighbour(text, expiryAt, candidate, prev, next)) expiryAt = undefined;
    if (expiryAt !== undefined) {
      score += SCORE.expiry;
      reasons.push(`expiry@${relative(expiryAt, candidate.start, candidate.end)}`);
    }
    let cvvAt = nearest(findSecurityCodes(text, hi, allKeywords.filter((k) => k.start >= lo), amex), candidate.start, pick.extentEnd);
    if (cvvAt === undefined && labelled.length > 0) cvvAt = findSecurityCodes(text, companionHi, labelled, amex)[0];
    if (cvvAt === undefined && fields.length > 0) {
      const codes = companionFields.code.filter((c) => looksLikeSecurityCodeValue(text.slice(c.start, c.end), amex)).map((c) => c.start);
      cvvAt = nearestInRecord(codes, picks, n);
    }
    if (cvvAt !== undefined && closerToNeighbour(text, cvvAt, candidate, prev, next)) cvvAt = undefined;
    if (cvvAt !== undefined) {
      score += SCORE.cvv;
      reasons.push(`cvv@${relative(cvvAt, candidate.start, candidate.end)}`, 'sad:cvv');
    }
    if (pick.kind !== 'pan') {
      score += SCORE.track;
      reasons.push(pick.kind, 'sad:track_data');
    }

    const flags = entropyFlags(pan);
    if (flags.lowEntropy) {
      score += SCORE.lowEntropy;
      reasons.push('low_entropy');
    }
    if (flags.sequential) {
      score += SCORE.sequential;
      reasons.push('sequential');
    }
    // Unknown or impossible IIN stays low whatever surrounds it (design §3).
    if (!pick.brandOk) score = Math.min(score, SCORE.unknownBrandCap);
    if (testCard) {
      score = Math.min(score, SCORE.testCardCap);
      reasons.push('test_card');
    }
    score = Math.round(Math.min(1, Math.max(0, score)) * 100) / 100;
    const confidence = confidenceOf(score);
    if (LEVEL[confidence] < LEVEL[settings.minConfidence] || settings.allowBins.some((r) => inRange(pan, r.from, r.to ?? r.from))) {
      if (counters) counters.suppressed++;
      continue;
    }
    const fingerprint = fingerprintPan(pan, settings.fingerprintKey);
    if (settings.allowFingerprints.has(fingerprint)) {
      if (counters) counters.suppressed++;
      continue;
    }
    const masked = maskPan(pan, brand, settings.mask, settings.binLength);
    detections.push({
      start: candidate.start,
      end: pick.extentEnd,
      kind: pick.kind,
      brand,
      masked: masked.masked,
      bin: masked.bin,
      last4: masked.last4,
      length: pan.length,
      score,
      confidence,
      reasons,
      testCard,
      fingerprint,
      // Always present, maybe undefined: one object shape for every detection.
      expiryAt,
      cvvAt,
      field,
    });
  }
  return detections;
}

const LEVEL: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

function inRange(pan: string, from: string, to: string): boolean {
  const lead = pan.slice(0, from.length);
  return lead.length === from.length && lead >= from && lead <= to;
}

/**
 * Context stays on the number's line — a log line or a record is one unit — except for a
 * number alone at the start of its line, whose label may stand on the line above
 * ("Card number:\n4111 …"). `limit` is the window edge.
 */
function lineBoundBefore(text: string, start: number, limit: number): number {
  const floor = Math.max(0, limit);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (lineStart <= floor) return floor;
  if (!blank(text, lineStart, start)) return lineStart;
  const previous = text.lastIndexOf('\n', lineStart - 2) + 1;
  return Math.max(floor, previous);
}

/**
 * Mirror of {@link lineBoundBefore}: a number alone on its line (a vertical form) may take its
 * companions from the next line; one that merely ends its line may not (the next line is
 * usually the next record).
 */
function lineBoundAfter(text: string, end: number, limit: number, alone: boolean): number {
  const ceiling = Math.min(text.length, limit);
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd === -1 || lineEnd >= ceiling) return ceiling;
  if (!alone || !blank(text, end, lineEnd)) return lineEnd;
  lineEnd = text.indexOf('\n', lineEnd + 1);
  return lineEnd === -1 ? ceiling : Math.min(ceiling, lineEnd);
}

/** Whether only indentation or a list marker stands between the line start and `at`. */
function opensLine(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    // space, tab, CR, no-break space, - * > | # and the bullets • ·
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xa0 && c !== 45 && c !== 42 && c !== 62 && c !== 124 && c !== 35 && c !== 0x2022 && c !== 0xb7) return false;
  }
  return true;
}

function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xa0) return false;
  }
  return true;
}

function fieldAt(fields: readonly SegmentField[], offset: number): SegmentField | undefined {
  // Fields are in text order: binary search for the last field starting at or before offset.
  let lo = 0;
  let hi = fields.length - 1;
  let found: SegmentField | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = fields[mid]!;
    if (f.start <= offset) {
      found = f;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found && offset < found.end ? found : undefined;
}

interface CompanionFields {
  readonly expiry: number[];
  readonly code: { start: number; end: number }[];
}

function collectCompanionFields(text: string, fields: readonly SegmentField[]): CompanionFields {
  const expiry: number[] = [];
  const code: { start: number; end: number }[] = [];
  for (const f of fields) {
    if (f.name === undefined) continue;
    const hint = classifyFieldName(f.name);
    if (!hint) continue;
    const value = text.slice(f.start, f.end);
    if (hint.category === 'expiry' && looksLikeExpiryValue(value)) expiry.push(f.start + leadingSpace(value));
    else if (hint.category === 'securityCode') code.push({ start: f.start + leadingSpace(value), end: f.end });
  }
  return { expiry, code };
}

function leadingSpace(value: string): number {
  let i = 0;
  while (i < value.length && !isDigitCode(value.charCodeAt(i)) && value.charCodeAt(i) <= 32) i++;
  return i;
}

function nearest(offsets: readonly number[], start: number, end: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const at of offsets) {
    const distance = at < start ? start - at : at - end;
    if (distance < bestDistance) {
      best = at;
      bestDistance = distance;
    }
  }
  return best;
}

/** In a record with fields, a companion cell belongs to the PAN nearest to it. */
function nearestInRecord(offsets: readonly number[], picks: readonly NumberPick[], self: number): number | undefined {
  let best: number | undefined;
  let bestDistance = Infinity;
  for (const at of offsets) {
    let owner = 0;
    let ownerDistance = Infinity;
    for (let p = 0; p < picks.length; p++) {
      const c = picks[p]!.candidate;
      const d = at < c.start ? c.start - at : at - c.end;
      if (d < ownerDistance) {
        owner = p;
        ownerDistance = d;
      }
    }
    if (owner === self && ownerDistance < bestDistance) {
      best = at;
      bestDistance = ownerDistance;
    }
  }
  return best;
}

function neighbour(picks: readonly NumberPick[], n: number, step: 1 | -1): NumberPick | undefined {
  for (let i = n + step; i >= 0 && i < picks.length; i += step) if (picks[i]!.brandOk) return picks[i];
  return undefined;
}

/** Distance from a companion to a PAN: lines first (a record is a line), then characters. */
function distance(text: string, at: number, c: Candidate, atLeast = Infinity): number {
  const from = at < c.start ? at : c.end;
  const to = at < c.start ? c.start : at;
  let d = to - from;
  // Counting stops once the distance reaches `atLeast`: the caller only asks "nearer than?".
  for (let nl = text.indexOf('\n', from); nl !== -1 && nl < to && d < atLeast; nl = text.indexOf('\n', nl + 1)) d += 1_000_000;
  return d;
}

/** A companion between two PANs belongs to the nearer one. */
function closerToNeighbour(text: string, at: number, self: Candidate, prev: NumberPick | undefined, next: NumberPick | undefined): boolean {
  const own = distance(text, at, self);
  const closer = (p: NumberPick | undefined) =>
    // A neighbour farther than any window reaches cannot be nearer (and is not worth counting lines to).
    p !== undefined && Math.abs(at - p.candidate.start) < NEIGHBOUR_REACH && distance(text, at, p.candidate, own) < own;
  return closer(prev) || closer(next);
}

const NEIGHBOUR_REACH = 4096;

function relative(at: number, start: number, end: number): string {
  return at < start ? `-${start - at}` : `+${at - end}`;
}
