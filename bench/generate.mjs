/**
 * Deterministic benchmark data: log-like text, digit-dense CSV, a mixed "file share" and
 * large single documents per format. Every file gets a sidecar `<file>.json` saying exactly
 * what was planted, so the runner can compute recall without trusting the scanner.
 *
 * The card numbers are generated (seeded PRNG + Luhn), never real, never published test
 * numbers — except the test-number decoys, which must NOT be reported.
 *
 * Ground truth is only as good as the filler: a filler number that happens to be a
 * Luhn-valid, brand-range card number would be a true positive nobody planted. So every
 * generated line/record goes through `reportableWindows` and is regenerated if it holds
 * any card-like window other than the one planted on purpose.
 */
import fs from 'node:fs';
import path from 'node:path';
import { breakLuhn, COMMON_BRAND_SAMPLES, group, luhnValid, makePan, maskPan, rng } from '../test/support/cards-core.mjs';

/** Bumped whenever output changes, so cached data from an older generator is rebuilt. */
const GENERATOR_VERSION = 5;

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/** Published brand test numbers: decoys, reported at `low` at most by a correct scanner. */
const TEST_NUMBERS = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117'];

/**
 * How the brand prints it. 13-digit Visa has no customary grouping, so it stays one run
 * (a 4-4-4-1 split is not a plausible card layout and a careful scanner may rightly skip it).
 */
function printed(pan, sep) {
  if (pan.length === 13) return pan;
  if (pan.length === 15 && (pan.startsWith('34') || pan.startsWith('37'))) return group(pan, [4, 6, 5], sep);
  return group(pan, [4, 4, 4, 4], sep);
}

/**
 * Deliberately wider than any real IIN table: a first digit some brand issues under, with any
 * length a brand uses after it. Wider is safe here — it only makes the generator reject
 * more filler, never accept a number a scanner could rightly report.
 */
function inBrandRange(d) {
  const n = d.length;
  switch (d.charCodeAt(0) - 48) {
    case 1: return n === 15; // UATP
    case 2: return n >= 16; // Mastercard 2-series, Mir
    case 3: return n >= 14; // Amex, Diners, JCB
    case 4: return n >= 13; // Visa
    case 5: case 6: return n >= 12; // Mastercard, Maestro, Discover, UnionPay, RuPay, Elo, Verve…
    case 8: return n >= 16; // UnionPay 81, RuPay 82
    case 9: return n === 16; // Troy
    default: return false;
  }
}

function isCardLike(digits) {
  return digits.length >= 12 && digits.length <= 19 && inBrandRange(digits) && luhnValid(digits);
}

/** A digit run, possibly split into groups by single spaces, dashes or dots. */
const DIGIT_RUN = /\d+(?:[ .-]\d+)*/g;

/**
 * Every window of whole groups (what a `\b`-bounded card regex or a grouping-aware scanner
 * could pick out) that is card-like, separators removed.
 */
function reportableWindows(text) {
  const out = [];
  for (const m of text.matchAll(DIGIT_RUN)) {
    const groups = m[0].split(/[ .-]/);
    for (let a = 0; a < groups.length; a++) {
      let digits = '';
      for (let b = a; b < groups.length && digits.length <= 19; b++) {
        digits += groups[b];
        if (isCardLike(digits)) out.push(digits);
      }
    }
  }
  return out;
}

/** True when `text` holds exactly the card-like windows listed (in order), nothing else. */
function holdsExactly(text, expected) {
  const found = reportableWindows(text);
  return found.length === expected.length && found.every((d, i) => d === expected[i]);
}

// ---------------------------------------------------------------------------------------------
// Field makers
// ---------------------------------------------------------------------------------------------

const SERVICES = ['api', 'auth', 'catalog', 'search', 'cart', 'notify', 'inventory', 'shipping'];
const PATHS = ['/api/v1/products', '/api/v1/cart/items', '/api/v2/orders', '/static/app.js', '/health', '/api/v1/search', '/login', '/api/v1/users/me'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
  'curl/8.5.0',
  'okhttp/4.12.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];
const NAMES = ['Alice Martin', 'Bruno Rossi', 'Chloe Dubois', 'Dmitri Ivanov', 'Emma Schmidt', 'Farid Haddad', 'Grace Lee', 'Hugo Silva'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** 2026-03-01T00:00:00Z: epoch-ms values are 13 digits starting with 17, like real ones. */
const START_MS = 1772323200000;

class Fields {
  constructor(seed) {
    this.random = rng(seed);
    this.now = START_MS;
  }
  int(n) {
    return Math.floor(this.random() * n);
  }
  pick(list) {
    return list[this.int(list.length)];
  }
  digits(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
  hex(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  uuid() {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${'89ab'[this.int(4)]}${this.hex(3)}-${this.hex(12)}`;
  }
  ip() {
    return `${[10, 172, 192, 81, 203][this.int(5)]}.${this.int(256)}.${this.int(256)}.${1 + this.int(254)}`;
  }
  phone() {
    switch (this.int(3)) {
      case 0: return `+1-${200 + this.int(800)}-555-${this.digits(4)}`;
      case 1: return `+44 20 ${this.digits(4)} ${this.digits(4)}`;
      default: return `(${200 + this.int(800)}) 555-${this.digits(4)}`;
    }
  }
  orderNo() {
    return `ORD-2026-${String(this.int(1000000)).padStart(6, '0')}`;
  }
  amount() {
    return `${1 + this.int(2000)}.${String(this.int(100)).padStart(2, '0')}`;
  }
  expiry() {
    return { mm: String(1 + this.int(12)).padStart(2, '0'), yy: String(26 + this.int(6)) };
  }
  /** Advances the clock: logs are in time order. */
  tick() {
    this.now += 1 + this.int(400);
    return this.now;
  }
  iso() {
    return new Date(this.tick()).toISOString();
  }
  clf() {
    const d = new Date(this.tick());
    const p = (n) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  }
}

/**
 * Planted PANs of the four brands, cycling through the samples, each with a BIN + last-4 form
 * unique in its file, so a masked report points at one planted PAN.
 */
class PanSource {
  constructor(seed) {
    this.random = rng(seed);
    this.i = 0;
    // Test numbers are decoys: no planted PAN may share their masked form.
    this.seenMasked = new Set(TEST_NUMBERS.map(maskPan));
  }
  next() {
    const sample = COMMON_BRAND_SAMPLES[this.i++ % COMMON_BRAND_SAMPLES.length];
    for (;;) {
      const pan = makePan(sample.prefix, sample.length, this.random);
      if (this.claim(pan)) return { pan, brand: sample.brand };
    }
  }
  /** Registers a number's masked form; false if one like it is already in the file. */
  claim(digits) {
    const masked = maskPan(digits);
    if (this.seenMasked.has(masked)) return false;
    this.seenMasked.add(masked);
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Log lines
// ---------------------------------------------------------------------------------------------

/**
 * The scanner's default context window is 64 characters before a number and 32 after. Planted
 * lines keep that much neutral/positive text on both sides so the neighbouring (filler)
 * lines — full of "order", "phone", "session" — cannot lower a planted PAN's confidence.
 */
const WINDOW_BEFORE = 64;
const WINDOW_AFTER = 32;

const PLANT_FORMS = [
  (f, p, e) => `${head(f, 'payment-svc')}payment card ${printed(p.pan, ' ')} exp ${e.mm}/${e.yy} status=approved amount=${f.amount()} currency=EUR`,
  (f, p, e) => `${head(f, 'gateway')}authorize cc_number=${p.pan} cc_exp=${e.mm}${e.yy} result=ok latency_ms=${1 + f.int(900)}`,
  (f, p) => `${head(f, 'billing')}Card: ${printed(p.pan, ' ')} holder="${f.pick(NAMES)}" result=captured`,
  (f, p) => `${head(f, 'checkout')}card_no=${printed(p.pan, '-')} brand=${p.brand} 3ds=passed risk=low flow=web`,
  (f, p, e) => `${head(f, 'webhook')}payload={"event":"charge.succeeded","pan":"${p.pan}","exp":"${e.mm}/${e.yy}","currency":"USD"}`,
  (f, p) => `${head(f, 'support')}customer wrote in the web form: "please use ${printed(p.pan, ' ')} from now on" channel=email queue=b`,
];

function head(f, service) {
  return `${f.iso()} INFO  [${service}] ${f.hex(16)} `;
}

const FILLER_FORMS = [
  (f) => `${f.ip()} - - [${f.clf()}] "${f.pick(METHODS)} ${f.pick(PATHS)}?page=${1 + f.int(40)} HTTP/1.1" ${f.pick([200, 200, 200, 201, 204, 304, 404, 500])} ${f.int(90000)} "-" "${f.pick(UAS)}" rt=0.${f.digits(3)}`,
  (f) => `${f.iso()} INFO  [${f.pick(SERVICES)}] ${f.hex(16)} ${f.pick(METHODS)} /api/v2/orders/${f.orderNo()} status=200 dur=${f.int(3000)}ms user=${f.uuid()}`,
  (f) => `${f.iso()} DEBUG [${f.pick(SERVICES)}] ${f.hex(16)} cache hit key=session:${f.uuid()} ttl=${60 * (1 + f.int(120))}`,
  (f) => `${f.iso()} WARN  [${f.pick(SERVICES)}] ${f.hex(16)} slow query took ${100 + f.int(9000)}ms rows=${f.int(5000)} ts=${f.now}`,
  (f) => `${f.iso()} INFO  [notify] ${f.hex(16)} sms sent to ${f.phone()} for order ${f.orderNo()}`,
  (f) => `${f.iso()} ERROR [${f.pick(SERVICES)}] ${f.hex(16)} upstream timeout after ${1000 * (1 + f.int(60))}ms host=${f.ip()}:${8000 + f.int(100)} retry=${f.int(4)}`,
  (f) => `{"ts":"${f.iso()}","level":"info","msg":"order created","order":"${f.orderNo()}","amount":${f.amount()},"currency":"EUR","created_ms":${f.now},"trace":"${f.uuid()}"}`,
  (f) => `${f.iso()} INFO  [auth] ${f.hex(16)} login ok user=${f.pick(NAMES).split(' ')[0].toLowerCase()}${f.int(1000)}@example.org ip=${f.ip()} ua="${f.pick(UAS)}"`,
];

/** IMEI: 8-digit type allocation code (35… or 86…, as real handsets) + serial + Luhn. */
function imei(f) {
  return makePan(f.int(2) ? '35' : '86', 15, f.random);
}

/**
 * Decoys a correct scanner must not report at `medium`: each returns the line and the
 * card-like windows it is meant to contain (none, or the one low-confidence number).
 */
const DECOY_FORMS = {
  luhnInvalid: (f, pans) => {
    const bad = breakLuhn(pans.next().pan);
    const e = f.expiry();
    return { digits: bad, line: `${head(f, 'payment-svc')}payment card ${printed(bad, ' ')} exp ${e.mm}/${e.yy} status=declined reason=bad_number`, expect: [] };
  },
  imei: (f) => {
    const n = imei(f);
    return { digits: n, line: `${head(f, 'device')}handset registered IMEI ${n} model=SM-G991B os=android14`, expect: [n] };
  },
  longReference: (f) => {
    const n = '2026' + f.digits(16 + f.int(5));
    return { digits: n, line: `${head(f, 'settlement')}batch settled ref ${n} items=${1 + f.int(400)}`, expect: [] };
  },
  testCard: (f) => {
    const n = f.pick(TEST_NUMBERS);
    return { digits: n, line: `${head(f, 'sandbox')}sandbox charge with card ${printed(n, ' ')} result=ok`, expect: [n] };
  },
};

/** Per-line probabilities of planted PANs and of each decoy in the log generator. */
const LOG_RATES = { plant: 1 / 2000, luhnInvalid: 1 / 4000, imei: 1 / 4000, longReference: 1 / 4000, testCard: 1 / 8000 };

/** An endless, deterministic stream of log lines and the ground truth about them. */
class LogGenerator {
  constructor(seed, rates = LOG_RATES) {
    this.f = new Fields(seed);
    this.pans = new PanSource(seed ^ 0x5eed);
    this.rates = rates;
    this.planted = [];
    this.decoys = { luhnInvalid: 0, imei: 0, longReference: 0, testCard: 0 };
    this.decoyNumbers = {};
    this.rejectedFiller = 0;
  }

  /** Next line; `lineNo` (1-based) is recorded with planted PANs. */
  next(lineNo) {
    const f = this.f;
    let r = f.random();
    if (r < this.rates.plant) return this.plant(lineNo);
    r -= this.rates.plant;
    for (const kind of Object.keys(this.decoys)) {
      if (r < this.rates[kind]) return this.decoy(kind);
      r -= this.rates[kind];
    }
    for (;;) {
      const line = f.pick(FILLER_FORMS)(f);
      if (holdsExactly(line, [])) return line;
      this.rejectedFiller++;
    }
  }

  plant(lineNo) {
    const f = this.f;
    for (;;) {
      const p = this.pans.next();
      const form = f.int(PLANT_FORMS.length);
      const line = PLANT_FORMS[form](f, p, f.expiry());
      if (!holdsExactly(line, [p.pan])) continue;
      assertWindows(line, p.pan);
      this.planted.push({ pan: p.pan, brand: p.brand, line: lineNo, form });
      return line;
    }
  }

  decoy(kind) {
    for (;;) {
      const d = DECOY_FORMS[kind](this.f, this.pans);
      if (!holdsExactly(d.line, d.expect)) continue;
      if (kind !== 'testCard' && !this.pans.claim(d.digits)) continue;
      this.decoys[kind]++;
      this.decoyNumbers[d.digits] = kind;
      return d.line;
    }
  }

  truth() {
    return {
      planted: this.planted,
      decoys: this.decoys,
      decoyNumbers: this.decoyNumbers,
      rejectedFiller: this.rejectedFiller,
    };
  }
}

function assertWindows(line, pan) {
  const m = new RegExp(pan.split('').join('[ -]?')).exec(line);
  const before = m.index;
  const after = line.length - m.index - m[0].length;
  if (before < WINDOW_BEFORE || after < WINDOW_AFTER) {
    throw new Error(`bench generator bug: planted line has too little own context (${before} before, ${after} after)`);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV records
// ---------------------------------------------------------------------------------------------

const CSV_HEADER = 'id,customer,phone,order_no,amount,card_number,expiry,created_ms';
/** Per-row probabilities: a real-format PAN, a masked PAN, a Luhn-invalid card-shaped decoy. */
const CSV_RATES = { plant: 1 / 40, masked: 1 / 8, luhnInvalid: 1 / 400 };

/** Digit-dense records; the CSV and JSON writers of the share suite both use it. */
class RecordGenerator {
  constructor(seed, rates = CSV_RATES) {
    this.f = new Fields(seed);
    this.pans = new PanSource(seed ^ 0xc5c5);
    this.rates = rates;
    this.id = 0;
    this.planted = [];
    this.decoys = { luhnInvalid: 0 };
    this.decoyNumbers = {};
    this.masked = 0;
    this.rejectedFiller = 0;
  }

  /** Next record as an ordered object plus the card-like digits it must hold. */
  next() {
    const f = this.f;
    for (;;) {
      const rec = {
        id: ++this.id,
        customer: 10000000 + f.int(90000000),
        phone: f.int(2) ? `+1${200 + f.int(800)}555${f.digits(4)}` : `0${f.digits(9)}`,
        order_no: `70${f.digits(11)}`,
        amount: f.amount(),
        card_number: '',
        expiry: '',
        created_ms: f.tick(),
      };
      const r = f.random();
      let kind = 'none';
      let digits = '';
      if (r < this.rates.plant) {
        kind = 'plant';
        const p = this.pans.next();
        digits = p.pan;
        const style = f.int(10);
        rec.card_number = style < 8 ? p.pan : printed(p.pan, style === 8 ? ' ' : '-');
        const e = f.expiry();
        rec.expiry = `${e.mm}/${e.yy}`;
        rec.brand = p.brand;
      } else if (r < this.rates.plant + this.rates.luhnInvalid) {
        kind = 'luhnInvalid';
        digits = breakLuhn(this.pans.next().pan);
        rec.card_number = digits;
      } else if (r < this.rates.plant + this.rates.luhnInvalid + this.rates.masked) {
        kind = 'masked';
        rec.card_number = maskPan(this.pans.next().pan);
      }
      const expect = kind === 'plant' ? [digits] : [];
      const checked = `${rec.id},${rec.customer},${rec.phone},${rec.order_no},${rec.amount},${rec.card_number},${rec.expiry},${rec.created_ms}`;
      if (!holdsExactly(checked, expect)) {
        this.id--;
        this.rejectedFiller++;
        continue;
      }
      return { rec, kind, digits, line: checked };
    }
  }

  /** Records what `next()` returned once the caller knows where it landed (line, file …). */
  account(item, where) {
    if (item.kind === 'plant') {
      this.planted.push({ pan: item.digits, brand: item.rec.brand, ...where });
    } else if (item.kind === 'luhnInvalid') {
      this.decoys.luhnInvalid++;
      this.decoyNumbers[item.digits] = 'luhnInvalid';
    } else if (item.kind === 'masked') {
      this.masked++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Files on disk, cached by sidecar
// ---------------------------------------------------------------------------------------------

function sidecarPath(file) {
  return `${file}.json`;
}

/** The sidecar of an up-to-date file, or null when it must be (re)generated. */
function cached(file, params) {
  try {
    const meta = JSON.parse(fs.readFileSync(sidecarPath(file), 'utf8'));
    if (meta.version !== GENERATOR_VERSION || JSON.stringify(meta.params) !== JSON.stringify(params)) return null;
    if (meta.bytes !== undefined && fs.statSync(file).size !== meta.bytes) return null;
    return meta;
  } catch {
    return null;
  }
}

function writeSidecar(file, meta) {
  fs.writeFileSync(sidecarPath(file), JSON.stringify({ version: GENERATOR_VERSION, ...meta }));
  return { version: GENERATOR_VERSION, ...meta };
}

/**
 * Writes lines to disk in ~4 MB chunks until `targetBytes` is reached (whole lines only),
 * so a 2 GB file never exists in memory.
 */
function writeLines(file, targetBytes, nextLine) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file + '.tmp', 'w');
  let bytes = 0;
  let lines = 0;
  let chunk = [];
  let chunkBytes = 0;
  try {
    while (bytes < targetBytes) {
      const line = nextLine(++lines) + '\n';
      const size = Buffer.byteLength(line);
      chunk.push(line);
      chunkBytes += size;
      bytes += size;
      if (chunkBytes >= 4 << 20) {
        fs.writeSync(fd, chunk.join(''));
        chunk = [];
        chunkBytes = 0;
      }
    }
    fs.writeSync(fd, chunk.join(''));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(file + '.tmp', file);
  return { bytes, lines };
}

/** A log file of about `targetBytes`; returns its sidecar (planted PANs with line numbers, decoys). */
export function ensureLog(file, targetBytes, seed = 1) {
  const params = { kind: 'log', targetBytes, seed };
  const hit = cached(file, params);
  if (hit) return { ...hit, reused: true };
  const gen = new LogGenerator(seed);
  const { bytes, lines } = writeLines(file, targetBytes, (n) => gen.next(n));
  return writeSidecar(file, { params, bytes, lines, ...gen.truth() });
}

/** A digit-dense CSV of about `targetBytes`; the header is line 1, planted rows carry their line. */
export function ensureCsv(file, targetBytes, seed = 2) {
  const params = { kind: 'csv', targetBytes, seed };
  const hit = cached(file, params);
  if (hit) return { ...hit, reused: true };
  const gen = new RecordGenerator(seed);
  const { bytes, lines } = writeLines(file, targetBytes, (n) => {
    if (n === 1) return CSV_HEADER;
    const item = gen.next();
    gen.account(item, { line: n });
    return item.line;
  });
  return writeSidecar(file, {
    params,
    bytes,
    lines,
    planted: gen.planted,
    decoys: gen.decoys,
    decoyNumbers: gen.decoyNumbers,
    maskedRows: gen.masked,
    rejectedFiller: gen.rejectedFiller,
  });
}

// ---------------------------------------------------------------------------------------------
// Documents (docx, xlsx, pdf) — made with the dev dependencies, imported lazily because the
// text suite must not pay for loading them
// ---------------------------------------------------------------------------------------------

/** Neutral prose: numbers, dates and amounts, but none of the words that lower a card's score. */
const PROSE = [
  (f) => `The quarterly review moved to 2026-0${1 + f.int(9)}-1${f.int(10)} at 10:${10 + f.int(50)}.`,
  (f) => `Shipment of ${1 + f.int(900)} units left the warehouse in Rotterdam.`,
  (f) => `Budget line ${1 + f.int(40)} was approved at ${f.amount()} EUR.`,
  (f) => `Room ${100 + f.int(400)} is booked for the workshop on floor ${1 + f.int(9)}.`,
  (f) => `The team closed ${f.int(300)} tickets this week, ${f.int(40)} more than planned.`,
  (f) => `Temperature in hall ${1 + f.int(6)} stayed at ${18 + f.int(6)}.${f.int(10)} degrees.`,
  (f) => `Draft ${1 + f.int(9)} of the policy is ready for comments by Friday.`,
];

/** A planted sentence short enough (≤ 70 characters) never to wrap in a PDF line. */
const PROSE_PLANTS = [
  (f, p, e) => `Card number: ${printed(p.pan, ' ')}, expires ${e.mm}/${e.yy}.`,
  (f, p) => `Please charge the ${p.brand} card ${printed(p.pan, ' ')} again.`,
  (f, p) => `Payment card on file: ${printed(p.pan, '-')}`,
];

class ProseGenerator {
  constructor(seed) {
    this.f = new Fields(seed);
    this.pans = new PanSource(seed ^ 0xd0c5);
  }
  filler() {
    for (;;) {
      const s = this.f.pick(PROSE)(this.f);
      if (holdsExactly(s, [])) return s;
    }
  }
  plant() {
    for (;;) {
      const p = this.pans.next();
      const s = this.f.pick(PROSE_PLANTS)(this.f, p, this.f.expiry());
      if (holdsExactly(s, [p.pan])) return { text: s, pan: p.pan, brand: p.brand };
    }
  }
}

async function makePdf(lines, linesPerPage) {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { CreationDate: new Date(START_MS) } });
  const parts = [];
  doc.on('data', (b) => parts.push(b));
  const done = new Promise((resolve) => doc.on('end', resolve));
  doc.font('Helvetica').fontSize(10);
  // Explicit positions: with `lineBreak: false` pdfkit would otherwise write every line on one.
  lines.forEach((line, i) => {
    if (i > 0 && i % linesPerPage === 0) doc.addPage();
    doc.text(line, 50, 50 + (i % linesPerPage) * 14, { lineBreak: false });
  });
  doc.end();
  await done;
  return Buffer.concat(parts);
}

async function makeDocx(paragraphs, tableRows) {
  const { Document, Packer, Paragraph, Table, TableRow, TableCell, TextRun } = await import('docx');
  const children = paragraphs.map((t) => new Paragraph({ children: [new TextRun(t)] }));
  if (tableRows.length > 0) {
    const row = (cells) => new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph(c)] })) });
    children.push(new Table({ rows: [row(['Name', 'Card', 'Expiry']), ...tableRows.map(row)] }));
  }
  return Packer.toBuffer(new Document({ creator: 'cardhound bench', sections: [{ children }] }));
}

/**
 * A sheet of records. PANs short enough to be exact doubles (≤ 16 digits, < 2^53) are
 * sometimes stored as numbers, as spreadsheets do, so a scanner has to read raw cell values.
 * Not those of 16 digits ending in 0: Excel keeps 15 significant digits, so such a number cell
 * is indistinguishable from a longer number Excel cut short, which must not be reported.
 */
async function makeXlsx(records, random) {
  const XLSX = await import('xlsx');
  const cols = CSV_HEADER.split(',');
  const aoa = [cols];
  for (const rec of records) {
    aoa.push(cols.map((c) => {
      const v = rec[c];
      if (c === 'card_number' && /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) && !(v.length >= 16 && v.endsWith('0')) && random() < 0.5) return Number(v);
      return c === 'amount' ? Number(v) : v;
    }));
  }
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), 'Payments');
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true });
}

/**
 * One document of a kind with `size` units (rows, lines, paragraphs). `every` > 0 plants a PAN
 * every `every` units (xlsx: each row with probability 1/`every`) and, in a docx, one more in
 * a table; 0 makes a clean document.
 */
async function makeDocument(kind, seed, size, every) {
  const planted = [];
  if (kind === 'xlsx') {
    const gen = new RecordGenerator(seed, { plant: every > 0 ? 1 / every : 0, masked: 1 / 8, luhnInvalid: 0 });
    const records = [];
    for (let i = 0; i < size; i++) {
      const item = gen.next();
      gen.account(item, { row: i + 2 });
      records.push(item.rec);
    }
    planted.push(...gen.planted);
    return { bytes: await makeXlsx(records, gen.f.random), planted, cells: (size + 1) * 8 };
  }
  const gen = new ProseGenerator(seed);
  const lines = [];
  const tableRows = [];
  for (let i = 0; i < size; i++) {
    if (every > 0 && i % every === every - 1) {
      const p = gen.plant();
      planted.push({ pan: p.pan, brand: p.brand, unit: i + 1 });
      lines.push(p.text);
    } else {
      lines.push(gen.filler());
    }
  }
  if (kind === 'pdf') {
    const linesPerPage = 50;
    return { bytes: await makePdf(lines, linesPerPage), planted, pages: Math.ceil(size / linesPerPage) };
  }
  // A docx also gets a small table: mammoth and XML-based extractors see cells differently.
  if (every > 0) {
    const p = gen.plant();
    const e = gen.f.expiry();
    tableRows.push([gen.f.pick(NAMES), printed(p.pan, ' '), `${e.mm}/${e.yy}`]);
    planted.push({ pan: p.pan, brand: p.brand, unit: 'table' });
  }
  return { bytes: await makeDocx(lines, tableRows), planted, paragraphs: size };
}

/** Large single documents for the `formats` suite: a PDF, a workbook, a Word file. */
export async function ensureFormats(dir, short) {
  const specs = short
    ? { pdf: [20 * 50, 25], xlsx: [2000, 50], docx: [2000, 100] }
    : { pdf: [200 * 50, 25], xlsx: [20000, 50], docx: [20000, 100] };
  const out = {};
  for (const [kind, [size, every]] of Object.entries(specs)) {
    const file = path.join(dir, `big.${kind}`);
    const params = { kind, size, every, seed: 7 };
    const hit = cached(file, params);
    if (hit) {
      out[kind] = { file, ...hit };
      continue;
    }
    fs.mkdirSync(dir, { recursive: true });
    const { bytes, ...rest } = await makeDocument(kind, 7, size, every);
    fs.writeFileSync(file, bytes);
    out[kind] = { file, ...writeSidecar(file, { params, bytes: bytes.length, ...rest }) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The file share
// ---------------------------------------------------------------------------------------------

/** Share mix by extension; weights sum to 100. */
const SHARE_MIX = [
  ['txt', 30],
  ['log', 10],
  ['csv', 20],
  ['json', 15],
  ['docx', 10],
  ['xlsx', 8],
  ['pdf', 7],
];
/** Unique binary documents per kind; the share copies them around (generating is slow). */
const POOL_SIZE = 100;

/**
 * A tree of `count` small mixed files (dept-NN/team-NN/…). Text, CSV and JSON files are all
 * unique; docx/xlsx/pdf files are copies drawn from a pool of `POOL_SIZE` unique documents
 * per kind, so a PAN in a pooled document is planted once per copy.
 */
export async function ensureShare(dir, count, seed = 11) {
  // The sidecar lists the planted PANs in clear: it must live outside the tree being scanned.
  const marker = `${dir}.bench`;
  const params = { kind: 'share', count, seed };
  const hit = cached(marker, params);
  if (hit && fs.existsSync(dir)) return { dir, ...hit, reused: true };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  const f = new Fields(seed);
  const pool = {};
  for (const kind of ['docx', 'xlsx', 'pdf']) {
    pool[kind] = [];
    for (let i = 0; i < POOL_SIZE; i++) {
      // Three in ten pooled documents carry PANs (about one per document), the rest are clean.
      const carries = i % 10 < 3;
      const size = kind === 'pdf' ? 40 + f.int(80) : kind === 'xlsx' ? 20 + f.int(180) : 10 + f.int(60);
      pool[kind].push(await makeDocument(kind, f.int(2 ** 31), size, carries ? size : 0));
    }
  }

  const logs = new LogGenerator(seed ^ 0x10, { plant: 1 / 60, luhnInvalid: 1 / 200, imei: 1 / 200, longReference: 1 / 200, testCard: 1 / 400 });
  const records = new RecordGenerator(seed ^ 0x20, { plant: 1 / 80, masked: 1 / 8, luhnInvalid: 1 / 400 });
  const planted = [];
  const byExt = {};
  let bytes = 0;
  const pickExt = () => {
    let r = f.int(100);
    for (const [ext, w] of SHARE_MIX) {
      if (r < w) return ext;
      r -= w;
    }
    return 'txt';
  };

  for (let i = 0; i < count; i++) {
    const ext = pickExt();
    const rel = path.join(`dept-${String(i % 17).padStart(2, '0')}`, `team-${String(i % 7).padStart(2, '0')}`, `f${String(i).padStart(6, '0')}.${ext}`);
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let data;
    if (ext === 'txt' || ext === 'log') {
      const before = logs.planted.length;
      const n = 5 + f.int(100);
      const lines = [];
      for (let l = 1; l <= n; l++) lines.push(logs.next(l));
      data = lines.join('\n') + '\n';
      for (const p of logs.planted.slice(before)) planted.push({ pan: p.pan, brand: p.brand, file: rel, line: p.line });
    } else if (ext === 'csv' || ext === 'json') {
      const before = records.planted.length;
      const n = 5 + f.int(120);
      const items = [];
      for (let r = 0; r < n; r++) {
        const item = records.next();
        records.account(item, { file: rel, row: r + 1 });
        items.push(item);
      }
      data = ext === 'csv'
        ? [CSV_HEADER, ...items.map((it) => it.line)].join('\n') + '\n'
        : JSON.stringify(items.map(({ rec }) => { const { brand, ...plain } = rec; return plain; }), null, 1) + '\n';
      planted.push(...records.planted.slice(before));
    } else {
      const doc = pool[ext][f.int(POOL_SIZE)];
      data = doc.bytes;
      for (const p of doc.planted) planted.push({ pan: p.pan, brand: p.brand, file: rel });
    }
    fs.writeFileSync(file, data);
    bytes += Buffer.byteLength(data);
    byExt[ext] = (byExt[ext] ?? 0) + 1;
  }
  const decoyNumbers = { ...logs.decoyNumbers, ...records.decoyNumbers };
  return { dir, ...writeSidecar(marker, { params, files: count, totalBytes: bytes, byExt, planted, decoyNumbers }) };
}
