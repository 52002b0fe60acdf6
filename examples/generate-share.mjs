#!/usr/bin/env node
/**
 * Writes examples/share/: a small, messy "file share" of an invented care provider, with card
 * numbers planted in one document of each major type, decoys that must not be reported, and
 * EXPECTED.md listing what a correct scanner finds (computed here, from what was planted).
 *
 *   node examples/generate-share.mjs            # (re)writes examples/share/
 *   node examples/generate-share.mjs --check    # writes to a temporary folder and compares
 *
 * Every card number is generated (seeded PRNG, Luhn check digit, real IIN prefixes) or a
 * brand's published test number. No real card data. Output is byte-for-byte deterministic:
 * fixed seed, fixed dates in PDF info, and every zip container (docx, xlsx, ods, zip) is
 * re-packed with a fixed timestamp because the docx writer stamps `Date.now()` into its zip
 * entries and core properties.
 *
 * Plain ESM JavaScript; uses the dev dependencies only (docx, pdfkit, xlsx, fflate) and the
 * card-number helpers in test/support/cards-core.mjs.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, strToU8, unzipSync, zipSync } from 'fflate';
import * as XLSX from 'xlsx';
import PDFDocument from 'pdfkit';
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { group, luhnCheckDigit, luhnValid, makePan, maskPan, rng, usualGroups } from '../test/support/cards-core.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SEED = 20240314;
/** Every embedded date: 1 March 2024 09:00 (zip entries use local-time fields, so build it from local parts). */
const FIXED_LOCAL = new Date(2024, 2, 1, 9, 0, 0);
const FIXED_UTC = new Date(Date.UTC(2024, 2, 1, 9, 0, 0));
const FIXED_W3C = '2024-03-01T09:00:00Z';

// ------------------------------------------------------------------------------------------
// Numbers
// ------------------------------------------------------------------------------------------

/** Brands' published test numbers (safe to print anywhere). */
const TEST_NUMBERS = new Set([
  '4111111111111111',
  '4012888888881881',
  '5555555555554444',
  '5105105105105100',
  '378282246310005',
  '6011111111111117',
]);

// ------------------------------------------------------------------------------------------
// Seeded data
// ------------------------------------------------------------------------------------------

const random = rng(SEED);
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (list) => list[Math.floor(random() * list.length)];
const digits = (n) => Array.from({ length: n }, () => String(int(0, 9))).join('');
const pad = (n, width) => String(n).padStart(width, '0');

const BRANDS = {
  visa: { prefix: '4', length: 16 },
  mastercard: { prefix: '51', length: 16 },
  mastercard2: { prefix: '55', length: 16 },
  mastercard2series: { prefix: '2221', length: 16 },
  amex: { prefix: '37', length: 15 },
  amex34: { prefix: '34', length: 15 },
  discover: { prefix: '6011', length: 16 },
  discover65: { prefix: '65', length: 16 },
  jcb: { prefix: '3528', length: 16 },
  diners: { prefix: '36', length: 14 },
};
const BRAND_ID = (key) => key.replace(/\d*series$|\d+$|2$/, '');

const issued = new Set();
/** A fresh Luhn-valid number of a brand: random middle digits, never a test number, never repeated. */
function pan(brandKey, { notEndingIn0 = false } = {}) {
  const { prefix, length } = BRANDS[brandKey];
  for (;;) {
    const full = makePan(prefix, length, random);
    // No long runs of one digit: nothing that looks like a placeholder.
    if (/(\d)\1{4}/.test(full) || TEST_NUMBERS.has(full) || issued.has(full)) continue;
    if (notEndingIn0 && full.endsWith('0')) continue;
    issued.add(full);
    return full;
  }
}

/** Digits that fail the Luhn check (a decoy that is not a card number at all). */
function nonLuhn(prefix, length) {
  let body = prefix + digits(length - 1 - prefix.length);
  const good = luhnCheckDigit(body);
  return body + String((good + 1 + int(0, 8)) % 10);
}

/** A Luhn-valid number (IMEIs are Luhn-valid by definition). */
function withLuhn(prefix, length) {
  return makePan(prefix, length, random);
}

const pretty = (p) => group(p, usualGroups(p));
const futureExpiry = () => `${pad(int(1, 12), 2)}/${int(25, 29)}`;
const cvvFor = (p) => (p.startsWith('34') || p.startsWith('37') ? digits(4) : digits(3));

const FIRST = ['Amara', 'David', 'Priya', 'Eileen', 'Tomasz', 'Grace', 'Oluwaseun', 'Margaret', 'Declan', 'Sunita', 'Harold', 'Niamh', 'Kwame', 'Beatrice', 'Rhys', 'Agnieszka', 'Winston', 'Fatima', 'Colin', 'Maureen'];
const LAST = ['Okafor', 'Hughes', 'Patel', 'Brennan', 'Kowalski', 'Adeyemi', 'Thornley', 'Whitcombe', 'Gallagher', 'Mistry', 'Pennington', 'Doyle', 'Mensah', 'Ashworth', 'Pryce', 'Nowak', 'Braithwaite', 'Rahman', 'Fairclough', 'Quigley'];
const STREETS = ['Mill Lane', 'Orchard Rise', 'Canal Street', 'Wellington Road', 'Beech Grove', 'Station Approach', 'Larkhill Close', 'Moss Side Walk', 'Chapel Row', 'Queens Drive'];
const TOWNS = ['Salford M5', 'Eccles M30', 'Swinton M27', 'Stretford M32', 'Walkden M28'];
const person = () => `${pick(FIRST)} ${pick(LAST)}`;
const address = () => `${int(2, 148)} ${pick(STREETS)}, ${pick(TOWNS)} ${int(1, 9)}${pick(['AB', 'DW', 'HT', 'JQ', 'LR', 'NX', 'PS', 'WU'])}`;
/** UK numbers in Ofcom's drama ranges (never allocated): 07700 900xxx and 0161 496 0xxx. */
const mobile = () => `07700 900${pad(int(0, 999), 3)}`;
const landline = () => `0161 496 0${pad(int(0, 999), 3)}`;

// ------------------------------------------------------------------------------------------
// Bookkeeping: what was planted where
// ------------------------------------------------------------------------------------------

/** @type {{path:string, where:string, kind:string, brand:string, pan:string, confidence:string, expiry:boolean, cvv:boolean, note?:string}[]} */
const plants = [];
/** @type {{path:string, where:string, what:string, why:string, value?:string}[]} */
const decoys = [];

function plant(path, where, brandKey, p, { kind = 'pan', confidence = 'high', expiry = false, cvv = false, note } = {}) {
  plants.push({ path, where, kind, brand: BRAND_ID(brandKey), pan: p, confidence, expiry, cvv, note });
}
function decoy(path, where, what, why, value) {
  decoys.push({ path, where, what, why, value });
}

/** 1-based line and column of the first occurrence of `needle` in `text` (after `from`). */
function lineCol(text, needle, from = 0) {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`generator bug: ${JSON.stringify(needle)} not in text`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, at };
}

// ------------------------------------------------------------------------------------------
// Writers
// ------------------------------------------------------------------------------------------

/** Re-packs a zip with fixed timestamps, patching `docProps/core.xml` dates; entry order kept. */
function normaliseZip(bytes) {
  const entries = unzipSync(new Uint8Array(bytes));
  const out = {};
  // Readers sniff the first entry: `[Content_Types].xml` (OOXML) and `mimetype` (ODF, stored) go first.
  const first = (name) => (name === 'mimetype' || name === '[Content_Types].xml' ? 0 : 1);
  const names = Object.keys(entries).sort((a, b) => first(a) - first(b));
  for (const name of names) {
    const data = entries[name];
    if (name.endsWith('/') && data.length === 0) continue;
    let body = data;
    if (name === 'docProps/core.xml' || name === 'meta.xml') {
      const xml = new TextDecoder().decode(data)
        .replace(/(<dcterms:(?:created|modified)[^>]*>)[^<]*(<\/dcterms:)/g, `$1${FIXED_W3C}$2`)
        .replace(/(<meta:(?:creation-date|date)>)[^<]*(<)/g, `$1${FIXED_W3C.slice(0, -1)}$2`)
        .replace(/(<dc:date>)[^<]*(<)/g, `$1${FIXED_W3C.slice(0, -1)}$2`);
      body = strToU8(xml);
    }
    // The OpenDocument mimetype entry must stay first and stored.
    out[name] = name === 'mimetype' ? [body, { level: 0 }] : body;
  }
  return zipSync(out, { level: 9, mtime: FIXED_LOCAL });
}

function pdfBuffer(build) {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      compress: true,
      info: { Title: 'Fax', Author: 'Fax gateway', Producer: 'cardhound sample share', Creator: 'cardhound', CreationDate: FIXED_UTC, ModDate: FIXED_UTC },
    });
    const chunks = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    build(doc);
    doc.end();
  });
}

async function docxBuffer(doc) {
  return normaliseZip(await Packer.toBuffer(doc));
}

function xlsxBuffer(wb, bookType) {
  return normaliseZip(XLSX.write(wb, { type: 'buffer', bookType, compression: true, bookSST: true }));
}

const files = new Map(); // path → Uint8Array | string
const put = (path, content) => files.set(path, content);

// ==========================================================================================
// patients/intake-2024.csv
// ==========================================================================================
function intakeCsv() {
  const path = 'patients/intake-2024.csv';
  const header = ['Patient ID', 'Name', 'DOB', 'Address', 'Phone', 'Next of kin phone', 'Payment Method', 'Card Number', 'Expiry', 'CVV', 'Notes'];
  const rows = [header];
  const cardRows = new Map([
    [3, { brand: 'visa', format: 'spaced' }],
    [6, { brand: 'mastercard', format: 'plain' }],
    [9, { brand: 'amex', format: 'spaced', noCvv: true }],
    [13, { brand: 'diners', format: 'spaced' }],
    [17, { brand: 'mastercard2', format: 'dashed', noExpiry: true, noCvv: true }],
  ]);
  const notesRow = 11;
  const planted = [];
  for (let r = 2; r <= 21; r++) {
    const dob = `${pad(int(1, 28), 2)}/${pad(int(1, 12), 2)}/${int(1931, 1958)}`;
    const row = [`PT-2024-${pad(int(100, 999), 5)}`, person(), dob, address(), mobile(), pick([landline(), mobile(), ''])];
    const card = cardRows.get(r);
    if (card) {
      const p = pan(card.brand);
      const shown = card.format === 'plain' ? p : card.format === 'dashed' ? group(p, usualGroups(p), '-') : pretty(p);
      row.push('Card', shown, card.noExpiry ? '' : futureExpiry(), card.noCvv ? '' : cvvFor(p), pick(['', 'Card on file for monthly fees', 'Self-funding']));
      planted.push({ r, p, card });
    } else if (r === notesRow) {
      const p = pan('discover');
      row.push('Card', '', '', '', `Deposit paid at reception with card ${pretty(p)}, rest by invoice`);
      planted.push({ r, p, card: { brand: 'discover', notes: true } });
    } else {
      row.push(pick(['Invoice', 'Local authority', 'Direct debit', 'Insurance', 'Invoice']), '', '', '', pick(['', '', 'Key safe code with office', 'Prefers morning visits', 'Hearing aid', 'Daughter holds LPA']));
    }
    rows.push(row);
  }
  const csv = rows.map((cells) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
  put(path, csv);
  for (const { r, p, card } of planted) {
    if (card.notes) {
      plant(path, `row ${r} (line ${r}), column "Notes": free text "…with card …"`, card.brand, p, { note: 'PAN inside a free-text cell; "card" keyword just before it' });
    } else {
      plant(path, `row ${r} (line ${r}), column "Card Number"`, card.brand, p, {
        expiry: !card.noExpiry,
        cvv: !card.noCvv,
        note: card.format === 'dashed' ? 'dash-separated' : card.format === 'plain' ? 'digits only' : undefined,
      });
    }
  }
  decoy(path, 'every row', 'patient ids (PT-2024-…), dates of birth, UK phone numbers (11 digits)', 'too short / not card-shaped');
}

// ==========================================================================================
// finance/refunds.xlsx  (+ finance/petty-cash.ods)
// ==========================================================================================
function refundsXlsx(visaShared) {
  const path = 'finance/refunds.xlsx';
  const header = ['Date', 'Patient', 'Amount', 'Reason', 'Card Number', 'Refund Ref', 'Processed By'];
  const aoa = [header];
  const staff = ['J. Davies', 'S. Begum', 'M. Clarke'];
  const visible = [];
  for (let i = 0; i < 9; i++) {
    const date = `2024-${pad(int(1, 3), 2)}-${pad(int(1, 28), 2)}`;
    const row = [date, person(), Number((int(1500, 24000) / 100).toFixed(2)), pick(['Overpayment', 'Cancelled visit', 'Duplicate charge', 'Deposit returned']), null, `RF-${int(1000, 1999)}`, pick(staff)];
    aoa.push(row);
  }
  // Row 3: the intake patient's card again (same fingerprint as in the CSV), as text.
  aoa[2][4] = pretty(visaShared);
  visible.push({ cell: 'E3', p: visaShared, brand: 'visa', note: 'same card as patients/intake-2024.csv row 3 (same fingerprint)' });
  // Row 5: a card number typed as a number (numeric cell, 16 digits, not ending in 0).
  const numericPan = pan('visa', { notEndingIn0: true });
  aoa[4][4] = Number(numericPan);
  if (String(aoa[4][4]) !== numericPan) throw new Error('numeric PAN is not exact as a double');
  visible.push({ cell: 'E5', p: numericPan, brand: 'visa', note: 'numeric cell (stored as a number, 16 digits)' });
  // Row 8: a Mastercard as text with dashes.
  const mc = pan('mastercard2series');
  aoa[7][4] = group(mc, [4, 4, 4, 4], '-');
  visible.push({ cell: 'E8', p: mc, brand: 'mastercard2series' });
  // Refund refs: a Luhn-failing 16-digit bank reference in row 10 (not a card: rejected).
  const bankRef = nonLuhn('4', 16);
  aoa[9][5] = bankRef;
  decoy(path, 'sheet "Refunds 2024", cell F10 (column "Refund Ref")', '16-digit bank reference starting with 4', 'fails the Luhn check');

  const hidden = [['Name', 'Card Number', 'Exp', 'Comments']];
  const jcb = pan('jcb');
  const amex34 = pan('amex34');
  const disc = pan('discover65');
  hidden.push([person(), pretty(jcb), futureExpiry(), 'old card, replaced']);
  hidden.push([person(), amex34, futureExpiry(), null]);
  hidden.push([person(), null, null, 'pays by invoice now']);
  hidden.push([person(), pretty(disc), null, 'ask for new expiry']);

  const wb = XLSX.utils.book_new();
  const ws1 = XLSX.utils.aoa_to_sheet(aoa);
  ws1['!cols'] = [{ wch: 11 }, { wch: 22 }, { wch: 9 }, { wch: 18 }, { wch: 22 }, { wch: 18 }, { wch: 12 }];
  // The numeric card cell: plain General format, as someone pasting into Excel would leave it.
  ws1.E5.z = '0';
  const ws2 = XLSX.utils.aoa_to_sheet(hidden);
  XLSX.utils.book_append_sheet(wb, ws1, 'Refunds 2024');
  XLSX.utils.book_append_sheet(wb, ws2, 'Old cards - DO NOT USE');
  wb.Workbook = { Sheets: [{ Hidden: 0 }, { Hidden: 1 }] };
  wb.Props = { Title: 'Refunds', Author: 'Accounts', CreatedDate: FIXED_UTC, ModifiedDate: FIXED_UTC };
  put(path, xlsxBuffer(wb, 'xlsx'));

  for (const v of visible) plant(path, `sheet "Refunds 2024", cell ${v.cell} (column "Card Number")`, v.brand, v.p, { note: v.note });
  plant(path, 'sheet "Old cards - DO NOT USE" (hidden), cell B2 (column "Card Number")', 'jcb', jcb, { expiry: true, note: 'hidden sheet' });
  plant(path, 'sheet "Old cards - DO NOT USE" (hidden), cell B3 (column "Card Number")', 'amex34', amex34, { expiry: true, note: 'hidden sheet, digits only' });
  plant(path, 'sheet "Old cards - DO NOT USE" (hidden), cell B5 (column "Card Number")', 'discover65', disc, { note: 'hidden sheet' });
}

function pettyCashOds() {
  const path = 'finance/petty-cash.ods';
  const aoa = [['Date', 'Item', 'Amount', 'Paid with', 'Notes']];
  const items = ['Milk and tea', 'Taxi to hospital', 'Parking permit', 'Stamps', 'Printer toner', 'Batteries'];
  for (let i = 0; i < 6; i++) aoa.push([`2024-02-${pad(int(1, 28), 2)}`, pick(items), Number((int(200, 4500) / 100).toFixed(2)), 'Cash', null]);
  const p = pan('mastercard');
  aoa[4][3] = 'Company card';
  aoa[4][4] = `charged to company card ${pretty(p)} exp ${futureExpiry()}`;
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(aoa), 'February');
  wb.Props = { Title: 'Petty cash', Author: 'Office', CreatedDate: FIXED_UTC, ModifiedDate: FIXED_UTC };
  put(path, xlsxBuffer(wb, 'ods'));
  plant(path, 'sheet "February", cell E5 (column "Notes")', 'mastercard', p, { expiry: true });
}

// ==========================================================================================
// letters/payment-letter.docx
// ==========================================================================================
function letterDocx({ salutation, bodyPan, bodyExpiry, tablePan, footerPan }) {
  const para = (text, opts = {}) => new Paragraph({ children: [new TextRun({ text, ...opts })], spacing: { after: 160 } });
  const cell = (text, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold })] })], width: { size: 2400, type: WidthType.DXA } });
  const children = [
    new Paragraph({ text: 'Riverside Community Care Ltd', heading: HeadingLevel.HEADING_1 }),
    para('14 Mill Lane, Salford M5 4WT'),
    para('1 March 2024'),
    para(`Dear ${salutation},`),
    para(
      `Thank you for your payment for February. Unfortunately we were unable to take the March instalment from the card number ${pretty(bodyPan)} (expiry ${bodyExpiry}): the bank declined it. ` +
        'Please contact the accounts office between 9am and 4pm to update your details.',
    ),
  ];
  if (tablePan) {
    children.push(para('Your recent payments:'));
    children.push(
      new Table({
        rows: [
          new TableRow({ children: [cell('Date', true), cell('Description', true), cell('Amount', true), cell('Paid by', true)] }),
          new TableRow({ children: [cell('05/02/2024'), cell('Home visits (4)'), cell('£240.00'), cell('Direct debit')] }),
          new TableRow({ children: [cell('12/02/2024'), cell('Equipment hire'), cell('£35.50'), cell(`Card ${pretty(tablePan)}`)] }),
        ],
      }),
    );
  }
  children.push(para('Yours sincerely,'), para('Accounts Team'));
  const footers = footerPan
    ? { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: `Riverside Community Care Ltd · Registered in England · Deposit card: ${pretty(footerPan)}`, size: 16 })] })] }) }
    : undefined;
  return docxBuffer(
    new Document({
      creator: 'Accounts',
      lastModifiedBy: 'Accounts',
      title: 'Payment letter',
      revision: 1,
      sections: [{ properties: {}, ...(footers ? { footers } : {}), children }],
    }),
  );
}

async function paymentLetter(visaShared, visaSharedExpiry) {
  const path = 'letters/payment-letter.docx';
  const tablePan = pan('mastercard2');
  const footerPan = pan('amex34');
  put(path, await letterDocx({ salutation: 'Mrs Okafor', bodyPan: visaShared, bodyExpiry: visaSharedExpiry, tablePan, footerPan }));
  plant(path, 'main document (word/document.xml), body paragraph "…card number … (expiry …)"', 'visa', visaShared, { expiry: true, note: 'same card as patients/intake-2024.csv row 3' });
  plant(path, 'main document (word/document.xml), table row 3, column "Paid by"', 'mastercard2', tablePan);
  plant(path, 'footer (word/footer1.xml)', 'amex34', footerPan, { note: 'footer text: only a scanner that reads headers/footers finds it' });
}

// ==========================================================================================
// scans/fax-authorisation.pdf
// ==========================================================================================
async function faxPdf() {
  const path = 'scans/fax-authorisation.pdf';
  const p = pan('visa');
  const holder = person();
  const expiry = futureExpiry();
  const cvv = cvvFor(p);
  const faxFrom = landline();
  const pdf = await pdfBuffer((doc) => {
    doc.font('Helvetica-Bold').fontSize(28).text('FAX');
    doc.moveDown();
    doc.font('Helvetica').fontSize(12);
    doc.text('To: Accounts, Riverside Community Care Ltd');
    doc.text(`From: ${holder}`);
    doc.text(`Fax: ${faxFrom}`);
    doc.text('Date: 27/02/2024');
    doc.text('Pages (including this one): 2');
    doc.moveDown();
    doc.text('Re: standing authority for my mother\'s weekly fees. Form attached as requested.');
    doc.moveDown();
    doc.fontSize(9).fillColor('#555').text('This fax is confidential and intended for the named recipient only.');
    doc.addPage();
    doc.fillColor('#000').font('Helvetica-Bold').fontSize(16).text('Card Payment Authorisation Form');
    doc.moveDown();
    doc.font('Helvetica').fontSize(12);
    doc.text(`Cardholder name: ${holder}`);
    doc.text(`Billing address: ${address()}`);
    doc.moveDown(0.5);
    doc.text(`Card number: ${pretty(p)}`);
    doc.text(`Expiry date: ${expiry}`);
    doc.text(`Security code: ${cvv}`);
    doc.moveDown(0.5);
    doc.text('Amount: £180.00 weekly until further notice');
    doc.moveDown(2);
    doc.text('Signed: ______________________    Date: 27/02/2024');
  });
  put(path, pdf);
  plant(path, 'page 2, "Card number:" line', 'visa', p, { expiry: true, cvv: true });
  decoy(path, 'page 1', 'fax number (0161 496 0…)', 'phone number, 11 digits');
}

// ==========================================================================================
// mail/booking-confirmation.eml
// ==========================================================================================
function bookingEml() {
  const path = 'mail/booking-confirmation.eml';
  const bodyPan = pan('mastercard');
  const guest = person();
  const rowsCsv = [['Booking', 'Guest', 'Room', 'Nights', 'Card Number', 'Exp']];
  const attPans = [];
  for (let i = 0; i < 5; i++) {
    const row = [`B-${int(10400, 10499)}`, person(), `Respite room ${int(1, 6)}`, String(int(1, 7)), '', ''];
    if (i === 1 || i === 3) {
      const brandKey = i === 1 ? 'visa' : 'discover65';
      const p = pan(brandKey);
      row[4] = pretty(p);
      row[5] = futureExpiry();
      attPans.push({ row: i + 2, p, brandKey });
    }
    rowsCsv.push(row);
  }
  const attachment = rowsCsv.map((r) => r.join(',')).join('\r\n') + '\r\n';
  const b64 = Buffer.from(attachment, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
  const boundary = '----=_Part_20240301_0900_RCC';
  const body = [
    `Dear ${guest},`,
    '',
    'Thank you for choosing Riverside Respite. Your stay from 11 to 15 March is confirmed.',
    '',
    'Deposit: GBP 150.00',
    `Charged to card: ${pretty(bodyPan)}`,
    '',
    'The balance will be taken on arrival. The weekly room list for reception is attached.',
    '',
    'Kind regards,',
    'Bookings desk, Riverside Community Care',
    `Tel ${landline()}`,
  ].join('\r\n');
  const eml = [
    'From: Riverside Bookings <bookings@riverside-care.example>',
    `To: ${guest} <family@mailbox.example>`,
    'Subject: Your respite stay is confirmed',
    'Date: Fri, 01 Mar 2024 09:00:00 +0000',
    'Message-ID: <20240301090000.4417@riverside-care.example>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
    '',
    `--${boundary}`,
    'Content-Type: text/csv; name="room-list-march.csv"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="room-list-march.csv"',
    '',
    b64.trimEnd(),
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  put(path, eml);
  const { line } = lineCol(body.replace(/\r\n/g, '\n'), pretty(bodyPan));
  plant(path, `message body (text/plain part), line ${line} of the body: "Charged to card: …"`, 'mastercard', bodyPan);
  for (const a of attPans) {
    plant(path, `attachment room-list-march.csv (base64), row ${a.row}, column "Card Number"`, a.brandKey, a.p, { expiry: true });
  }
}

// ==========================================================================================
// logs/pos-2024-03.log  (+ logs/pos-2024-02.log.gz)
// ==========================================================================================
function posLog(month, days, lines, plantLines) {
  // plantLines: Map<lineIndex (0-based), (time) => string>
  const out = [];
  let t = Date.UTC(2024, month - 1, 1, 8, 30, 0);
  const terminals = ['T-01', 'T-02', 'T-04'];
  const imeis = [withLuhn('35', 15), withLuhn('86', 15), withLuhn('35', 15)];
  for (let i = 0; i < lines; i++) {
    t += int(20_000, (days * 86_400_000) / lines);
    const iso = new Date(t).toISOString().replace('T', ' ').replace('Z', '');
    const term = pick(terminals);
    const head = `${iso} ${'INFO '} [${term}]`;
    const planted = plantLines.get(i);
    if (planted) {
      out.push(planted(iso, term));
      continue;
    }
    const kind = i % 7;
    if (kind === 0) out.push(`${head} heartbeat ts=${t + int(0, 999)} uptime=${int(1000, 90000)}s`);
    else if (kind === 1) out.push(`${head} sale order=${int(1_000_000_000, 1_099_999_999)} items=${int(1, 5)} total=GBP ${int(3, 90)}.${pad(int(0, 99), 2)} auth=OK`);
    else if (kind === 2) out.push(`${head} device imei=${imeis[terminals.indexOf(term)]} battery=${int(20, 100)}% signal=-${int(60, 95)}dBm`);
    else if (kind === 3) out.push(`${head} callback requested tel=${landline()} queue=${int(1, 9)}`);
    else if (kind === 4) out.push(`${head} receipt printed receipt_no=${int(100_000, 999_999)} ts=${t}`);
    else if (kind === 5) out.push(`${head} sync batch=${int(10_000, 99_999)} rows=${int(1, 400)} elapsed_ms=${int(5, 900)}`);
    else out.push(`${head} contactless sale order=${int(1_000_000_000, 1_099_999_999)} total=GBP ${int(3, 90)}.${pad(int(0, 99), 2)} token=tok_${digits(4)}x${digits(6)}`);
  }
  return { text: out.join('\n') + '\n', imeis };
}

function posLogs() {
  const path = 'logs/pos-2024-03.log';
  const trackPan = pan('visa');
  const manualPan = pan('mastercard');
  const orderDecoy = (() => {
    // A 16-digit order id that is Luhn-valid with a Visa-like prefix: negative context 'order'.
    for (;;) {
      const v = withLuhn('4', 16);
      if (!issued.has(v) && !TEST_NUMBERS.has(v)) return v;
    }
  })();
  const exp = `${int(26, 29)}${pad(int(1, 12), 2)}`; // YYMM as on track 2
  const track = `;${trackPan}=${exp}101${digits(13)}?`;
  const plantsAt = new Map([
    [23, (iso, term) => `${iso} DEBUG [${term}] msr raw read ${track} len=${track.length}`],
    [41, (iso, term) => `${iso} WARN  [${term}] chip read failed, manual key entry card=${manualPan} exp=${pad(int(1, 12), 2)}${int(25, 29)}`],
    [57, (iso, term) => `${iso} INFO  [${term}] web shop import order id ${orderDecoy} status=dispatched`],
  ]);
  const { text, imeis } = posLog(3, 30, 80, plantsAt);
  put(path, text);
  const tr = lineCol(text, track);
  const mp = lineCol(text, manualPan);
  const od = lineCol(text, orderDecoy);
  plant(path, `line ${tr.line}, column ${tr.column} ("msr raw read ;…=…?")`, 'visa', trackPan, {
    kind: 'track2',
    expiry: true,
    note: 'track 2 data (start sentinel, PAN, =, YYMM, service code, discretionary data, end sentinel); one finding of kind track2, not an extra pan finding',
  });
  plant(path, `line ${mp.line}, column ${mp.column} ("manual key entry card=… exp=…")`, 'mastercard', manualPan, { expiry: true });
  decoy(path, `line ${od.line}, column ${od.column}`, `16-digit order id ${maskPan(orderDecoy)}, Luhn-valid, Visa-like prefix, after "order id"`, 'negative context (order id): low, not reported by default', orderDecoy);
  decoy(path, 'many lines', 'ts=… 13-digit millisecond timestamps', 'timestamps: prefix 17 is no 13-digit brand; "ts"/"timestamp" context');
  decoy(path, 'many lines', `imei=… (${imeis.length} distinct 15-digit IMEIs, all Luhn-valid)`, 'IMEI label; IIN 35/86 is no 15-digit brand', imeis.join(','));
  decoy(path, 'many lines', 'order=… 10-digit order numbers, tel=… phone numbers, receipt/batch numbers', 'too short for a PAN');

  // February, gzipped: one bare PAN alone on a sync line (no keyword: medium).
  const gzPath = 'logs/pos-2024-02.log.gz';
  const barePan = pan('visa');
  const feb = posLog(2, 28, 40, new Map([[17, (iso, term) => `${iso} INFO  [${term}] sync upload field7=${barePan} status=ok`]]));
  put(gzPath, gzipSync(strToU8(feb.text), { level: 9, mtime: FIXED_UTC, filename: 'pos-2024-02.log' }));
  const bp = lineCol(feb.text, barePan);
  plant(gzPath, `gzip member pos-2024-02.log, line ${bp.line}, column ${bp.column} ("sync upload field7=…")`, 'visa', barePan, {
    confidence: 'medium',
    note: 'a PAN with no card keyword and no negative context: medium, reported at the default threshold',
  });
}

// ==========================================================================================
// it/config.json
// ==========================================================================================
function configJson() {
  const path = 'it/config.json';
  const p = pan('visa');
  const sentryId = nonLuhn('45', 16);
  const imei = withLuhn('35', 15);
  const config = {
    service: 'carebook-sync',
    version: '3.4.1',
    build: 20240301,
    environment: 'production',
    database: { host: 'db01.riverside.internal', port: 5432, pool: 10 },
    payments: {
      provider: 'exampay',
      merchant_id: 'RCC-000417',
      terminal_ids: [10045, 10046, 10051],
      retry_after_ms: 90000,
      fallback: {
        // Someone pasted the company card here "temporarily".
        card_number: p,
        exp_month: int(1, 12),
        exp_year: int(2026, 2029),
        holder: 'RIVERSIDE COMMUNITY CARE LTD',
      },
    },
    devices: [
      { name: 'reception-tablet', imei, installed_at: 1706781234567 },
      { name: 'office-pc-2', asset_tag: 'RCC-IT-0042', installed_at: 1709283552104 },
    ],
    monitoring: { sentry_project: Number(sentryId), sample_rate: 0.25 },
    cache_ttl_ms: 86400000,
  };
  if (String(Number(sentryId)) !== sentryId) throw new Error('sentry id not exact');
  const text = JSON.stringify(config, null, 2) + '\n';
  put(path, text);
  const at = lineCol(text, p);
  plant(path, `line ${at.line}, column ${at.column}: value of key "card_number" (payments.fallback)`, 'visa', p, {
    expiry: false,
    note: 'key name is the card keyword; exp_month/exp_year are separate numeric keys',
  });
  decoy(path, `line ${lineCol(text, sentryId).line}`, 'numeric sentry_project id, 16 digits starting 45', 'fails the Luhn check');
  decoy(path, `line ${lineCol(text, imei).line}`, 'IMEI under key "imei"', 'IMEI key; no brand at 15 digits with prefix 35');
  decoy(path, 'devices[*].installed_at', '13-digit ms timestamps', 'no 13-digit brand with prefix 17');
}

// ==========================================================================================
// web/order.html
// ==========================================================================================
function orderHtml() {
  const path = 'web/order.html';
  const shown = pan('mastercard2');
  const hiddenField = pan('visa');
  const exp = futureExpiry();
  const orderNo = int(100_000_000, 199_999_999);
  const html = `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Order ${orderNo} – CareShop</title>
<style>body{font-family:Arial,sans-serif} table{border-collapse:collapse} td,th{padding:4px 8px;border:1px solid #ccc}</style>
</head>
<body>
<h1>Thank you for your order</h1>
<p>Order number: ${orderNo}<br>Placed: 29 February 2024, 14:12</p>
<h2>Items</h2>
<table>
<tr><th>Item</th><th>Qty</th><th>Price</th></tr>
<tr><td>Bed rail protector</td><td>2</td><td>£38.00</td></tr>
<tr><td>Pressure cushion, large</td><td>1</td><td>£64.99</td></tr>
<tr><td>Delivery (tracked)</td><td>1</td><td>£4.95</td></tr>
</table>
<p>Delivery to: Riverside Community Care Ltd, 14 Mill Lane, Salford M5 4WT.</p>
<h2>Payment</h2>
<table class="payment">
<tr><th>Payment method</th><td>Mastercard</td></tr>
<tr><th>Card number</th><td>${pretty(shown)}</td></tr>
<tr><th>Expires</th><td>${exp}</td></tr>
</table>
<form action="/account/cards" method="post">
<input type="hidden" name="card_number" value="${hiddenField}">
<input type="hidden" name="return" value="/orders">
<button>Save this card for next time</button>
</form>
<p>Questions? Call ${landline()} (Mon–Fri).</p>
</body>
</html>
`;
  put(path, html);
  const a = lineCol(html, pretty(shown));
  const b = lineCol(html, hiddenField);
  plant(path, `line ${a.line}, column ${a.column}: table cell after <th>Card number</th>`, 'mastercard2', shown, { expiry: true });
  plant(path, `line ${b.line}, column ${b.column}: value of <input type="hidden" name="card_number">`, 'visa', hiddenField, {
    note: 'attribute value named by its sibling name="card_number"',
  });
  decoy(path, 'title and line 10', `order number (${String(orderNo).length} digits)`, 'too short');
}

// ==========================================================================================
// notes/readme.txt: decoys only
// ==========================================================================================
function readmeNotes() {
  const path = 'notes/readme.txt';
  const imeiA = withLuhn('35', 15);
  const imeiB = withLuhn('86', 15);
  const imeiC = withLuhn('01', 15);
  const fakeRef = nonLuhn('5', 16);
  const text = `NOTES FOR THE NEW OFFICE ADMIN - read me first
================================================

1. Card terminal testing
------------------------
The payment provider's sandbox only accepts their published TEST numbers.
Never type a real patient's details into the sandbox. Test data only:

    Visa (test)          4111 1111 1111 1111
    Mastercard (test)    5555 5555 5555 4444
    Amex (test)          3782 822463 10005
    Any future expiry date and any 3 digits work in the sandbox.

2. Work phones
--------------
The insurer wants the IMEI of each handset (dial *#06# to see it):

    Reception iPhone      IMEI ${imeiA}
    Manager's Android     IMEI ${group(imeiB, [2, 6, 6, 1], '-')}
    Night-shift handset   IMEI ${imeiC}

3. Training books on the shelf
------------------------------
    ISBN 978-0-19-966958-1  Oxford Handbook of Clinical Skills
    ISBN 978-1-4441-3606-3  Dementia Care Mapping
    ISBN 9780071836586      Moving and Handling (3rd edition)

4. Supplier orders
------------------
    Amazon order 203-4859921-3920147 (bed rails) - arriving Tuesday
    Medequip order no. MQ-2024-000781
    Supplier reference ${group(fakeRef, [4, 4, 4, 4], ' ')} (their system, not ours)

5. Useful numbers
-----------------
    Out-of-hours manager  07700 900418
    Salford social care   0161 496 0215
    Office fax            0161 496 0999

Door code and key safe: ask the manager, never write them down here.
`;
  put(path, text);
  decoy(path, 'section 1', 'brands\' published test numbers (Visa, Mastercard, Amex) labelled "test"', 'test_card: low, not reported by default');
  decoy(path, 'section 2', 'three Luhn-valid 15-digit IMEIs labelled IMEI (one grouped 2-6-6-1)', 'IMEI context; no brand; grouping is not a card grouping');
  decoy(path, 'section 3', 'ISBN-13s (hyphenated and plain)', 'ISBN context; 978 is no card IIN');
  decoy(path, 'section 4', 'Amazon order number (3-7-7 digits), supplier reference (4-4-4-4, Luhn-invalid)', 'separators not a card grouping / fails the Luhn check');
  decoy(path, 'section 5', 'UK phone numbers', 'too short');
}

// ==========================================================================================
// backups/old-exports.zip: a log and a nested docx (and a harmless readme)
// ==========================================================================================
async function oldExportsZip() {
  const path = 'backups/old-exports.zip';
  const logPan = pan('amex');
  const lines = [];
  for (let i = 0; i < 30; i++) {
    const ts = `2023-11-${pad(1 + Math.floor(i / 3), 2)} ${pad(int(8, 18), 2)}:${pad(int(0, 59), 2)}:${pad(int(0, 59), 2)}`;
    if (i === 19) lines.push(`${ts} export patient=PT-2023-${pad(int(100, 999), 5)} payment_card=${logPan} status=exported`);
    else lines.push(`${ts} export patient=PT-2023-${pad(int(100, 999), 5)} invoices=${int(0, 12)} status=${pick(['exported', 'exported', 'skipped'])}`);
  }
  const log = lines.join('\n') + '\n';
  const docPan = pan('jcb');
  const docx = await letterDocx({ salutation: 'Mr Gallagher', bodyPan: docPan, bodyExpiry: futureExpiry() });
  const readme = 'Exports from the old CareBook system, November 2023.\nKept for the auditors. Delete after March 2025.\n';
  const zip = zipSync(
    {
      'README.txt': strToU8(readme),
      'exports/carebook-2023-11.log': strToU8(log),
      'letters/2023-11-gallagher.docx': [docx, { level: 0 }],
    },
    { level: 9, mtime: FIXED_LOCAL },
  );
  put(path, zip);
  const lp = lineCol(log, logPan);
  plant(path, `entry exports/carebook-2023-11.log, line ${lp.line}, column ${lp.column} ("payment_card=…")`, 'amex', logPan, { note: 'digits only, key "payment_card"' });
  plant(path, 'entry letters/2023-11-gallagher.docx (a docx inside the zip), main document (word/document.xml), body paragraph', 'jcb', docPan, {
    expiry: true,
    note: 'nested container: entry chain letters/2023-11-gallagher.docx!/word/document.xml',
  });
}

// ==========================================================================================
// Self-checks, README.md, EXPECTED.md
// ==========================================================================================

/** Every 13–19 digit run (with single spaces/dashes between groups) in the text files must be planted or a documented decoy. */
function selfCheck() {
  const planted = new Set(plants.map((p) => p.pan));
  const known = new Set(decoys.flatMap((d) => (d.value ? d.value.split(',') : [])));
  for (const [path, content] of files) {
    let text;
    if (typeof content === 'string') text = content;
    else if (path.endsWith('.gz')) continue; // checked as text before compression via plants
    else continue;
    for (const m of text.matchAll(/(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g)) {
      const run = m[0].replace(/[ -]/g, '');
      if (run.length < 13 || run.length > 19) continue;
      if (!luhnValid(run)) continue;
      if (planted.has(run) || known.has(run) || TEST_NUMBERS.has(run)) continue;
      // Luhn-valid by chance: acceptable only where the prefix is no brand at this length (timestamps 17…, IMEI 35…/86…/01…).
      if (/^(17|35|86|01)/.test(run) && run.length !== 16) continue;
      throw new Error(`${path}: undocumented Luhn-valid digit run ${maskPan(run)} at offset ${m.index}`);
    }
  }
  for (const p of plants) if (!luhnValid(p.pan)) throw new Error('planted PAN fails Luhn');
}

const BRAND_NAMES = { visa: 'Visa', mastercard: 'Mastercard', amex: 'Amex', discover: 'Discover', jcb: 'JCB', diners: 'Diners Club' };
const FILE_NOTES = {
  'patients/intake-2024.csv': 'Client intake list, 20 clients: ids, names, dates of birth, addresses, phones; card number, expiry and CVV on the card-paying rows.',
  'finance/refunds.xlsx': 'Refund log (sheet "Refunds 2024") and a hidden sheet "Old cards - DO NOT USE"; one card number is stored as a 16-digit numeric cell.',
  'finance/petty-cash.ods': 'OpenDocument spreadsheet of petty-cash spending; a note mentions the company card.',
  'letters/payment-letter.docx': 'Declined-payment letter: card number in a body paragraph, another in a table, a third in the page footer.',
  'scans/fax-authorisation.pdf': 'Two-page fax: cover sheet, then a card payment authorisation form (card number, expiry, security code) on page 2.',
  'mail/booking-confirmation.eml': 'Respite-stay booking confirmation: card number in the text body, a base64 CSV attachment with two more.',
  'backups/old-exports.zip': 'Old system export: README, a log with one card number, and a nested .docx letter with another.',
  'logs/pos-2024-03.log': 'Card-terminal log: one track 2 read, one manually keyed card, and plenty of order ids, timestamps, IMEIs and phone numbers.',
  'logs/pos-2024-02.log.gz': 'Previous month\'s terminal log, gzipped: one bare card number without any label.',
  'it/config.json': 'Service configuration with a card number under "card_number" and numeric ids, IMEI and timestamps around it.',
  'web/order.html': 'Saved order-confirmation web page: card number in the payment table and in a hidden form field.',
  'notes/readme.txt': 'Decoys only: brands\' test numbers labelled as test data, IMEIs, ISBNs, order and phone numbers. Must give no finding at the default threshold.',
};

function readmeMd() {
  const lines = [
    '# Sample file share',
    '',
    'A small, deliberately messy file share of an invented care provider ("Riverside Community Care"),',
    'for trying cardhound: `node dist/cli.js scan examples/share`.',
    '',
    '**Every file here is generated by `node examples/generate-share.mjs`** (fixed seed: the output',
    'is the same byte for byte on every run). Do not edit the files by hand: change the script and',
    're-run it (`node examples/generate-share.mjs --check` tells whether the committed files are',
    'current). People, addresses and organisations are invented; phone numbers are in Ofcom\'s',
    'drama ranges.',
    '',
    '**It contains only generated card numbers** — Luhn-valid numbers in real IIN ranges with random',
    'account digits — and brands\' published test numbers. No real card data.',
    '',
    'What a correct scanner should find is in [EXPECTED.md](EXPECTED.md) (written by the same script',
    'from what it planted). This README and EXPECTED.md show masked numbers only and give no findings.',
    '',
    '| file | what it holds |',
    '|---|---|',
    ...[...files.keys()].filter((p) => !p.endsWith('.md')).sort().map((p) => `| \`${p}\` | ${FILE_NOTES[p] ?? ''} |`),
    '',
  ];
  return lines.join('\n');
}

function expectedMd() {
  const byFile = new Map();
  for (const p of plants) {
    if (!byFile.has(p.path)) byFile.set(p.path, []);
    byFile.get(p.path).push(p);
  }
  const total = plants.length;
  const count = (pred) => plants.filter(pred).length;
  const out = [
    '# What a correct scanner finds in this share',
    '',
    'Computed by `examples/generate-share.mjs` from what it planted, not from running cardhound.',
    'Numbers are masked (BIN + last four). "expiry"/"CVV" mean the companion value is present next to',
    'the card number and belongs to it.',
    '',
    `At the default threshold (\`medium\`): **${total} findings** in ${byFile.size} files ` +
      `(${count((p) => p.confidence === 'high')} high, ${count((p) => p.confidence === 'medium')} medium; ` +
      `${count((p) => p.kind === 'track2')} of kind \`track2\`, the rest \`pan\`). ` +
      `${new Set(plants.map((p) => p.pan)).size} distinct card numbers: one Visa appears in three files (same fingerprint).`,
    'Nothing in `notes/readme.txt`, `README.md` or `EXPECTED.md`. The CLI exits with status 1.',
    '',
  ];
  for (const path of [...byFile.keys()].sort()) {
    out.push(`## \`${path}\``, '', '| # | masked | brand | kind | confidence | expiry | CVV | where |', '|---|---|---|---|---|---|---|---|');
    byFile.get(path).forEach((p, i) => {
      const where = p.note ? `${p.where} — ${p.note}` : p.where;
      out.push(`| ${i + 1} | \`${maskPan(p.pan)}\` | ${p.brand} | ${p.kind} | ${p.confidence} | ${p.expiry ? 'yes' : '–'} | ${p.cvv ? 'yes' : '–'} | ${where} |`);
    });
    out.push('');
  }
  out.push('## Decoys: must not be reported at the default threshold', '', '| file | where | what | why not |', '|---|---|---|---|');
  for (const d of decoys) out.push(`| \`${d.path}\` | ${d.where} | ${d.what} | ${d.why} |`);
  out.push('');
  return out.join('\n');
}

// ==========================================================================================

async function generate(outDir) {
  intakeCsv();
  const visaShared = plants.find((p) => p.path === 'patients/intake-2024.csv' && p.brand === 'visa').pan;
  // The expiry of the shared Visa as written in the CSV, reused in the letter.
  const csv = files.get('patients/intake-2024.csv');
  const csvRow = csv.split('\r\n').find((l) => l.includes(pretty(visaShared)));
  const visaExpiry = csvRow.match(/\b\d\d\/\d\d\b(?=,\d{3},)/)?.[0] ?? '09/26';
  refundsXlsx(visaShared);
  pettyCashOds();
  await paymentLetter(visaShared, visaExpiry);
  await faxPdf();
  bookingEml();
  posLogs();
  configJson();
  orderHtml();
  readmeNotes();
  await oldExportsZip();
  selfCheck();
  put('README.md', readmeMd());
  put('EXPECTED.md', expectedMd());

  rmSync(outDir, { recursive: true, force: true });
  for (const [path, content] of files) {
    const target = join(outDir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  let bytes = 0;
  for (const path of files.keys()) bytes += statSync(join(outDir, path)).size;
  return bytes;
}

function listFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, name.name);
    if (name.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

const check = process.argv.includes('--check');
const shareDir = join(HERE, 'share');
const outDir = check ? mkdtempSync(join(tmpdir(), 'cardhound-share-')) : shareDir;
const bytes = await generate(outDir);
if (check) {
  const rel = (d) => listFiles(d).map((f) => relative(d, f).split(sep).join('/')).sort();
  const a = rel(shareDir);
  const b = rel(outDir);
  const diff = [...new Set([...a, ...b])].filter(
    (f) => !a.includes(f) || !b.includes(f) || !readFileSync(join(shareDir, f)).equals(readFileSync(join(outDir, f))),
  );
  rmSync(outDir, { recursive: true, force: true });
  if (diff.length) {
    console.error(`examples/share is out of date: ${diff.join(', ')}`);
    process.exit(1);
  }
  console.log('examples/share is up to date');
} else {
  console.log(`wrote ${files.size} files (${(bytes / 1024).toFixed(1)} KiB) to ${relative(process.cwd(), outDir) || '.'}; ${plants.length} planted findings, ${decoys.length} decoy groups`);
}
