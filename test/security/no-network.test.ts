/**
 * No network access (SECURITY.md): a scan opens no socket and makes no DNS request, whatever
 * the files point at: HTML images, stylesheets and frames, an XML external DTD and external
 * entities, docx relationships with `TargetMode="External"`, xlsx external links, PDF URI
 * actions, e-mail with remote images and `message/external-body`, RTF INCLUDEPICTURE fields.
 *
 * In this process every way out is replaced by a recorder (`net`, `tls`, `dns`, `http(s)`,
 * `dgram`, `fetch`) and `scanBuffer` runs over every format. Worker threads load their own
 * module instances, so `scan()` is run in a child process started with `--require` of a probe
 * that installs the same recorders in the main thread AND in every worker thread (Node runs
 * `--require` modules in workers); the test checks the probe really was in the workers.
 */
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanBuffer } from '../../src/scanner.js';
import { gzipOf, msgOf, tarOf, fakePst, mboxOf } from '../fixtures/containers.js';
import { makeDocx, makeOdp, makeOds, makeOdt, makePdf, makePptx, makeWorkbook } from '../fixtures/documents.js';
import { formatSamples } from '../fixtures/textual.js';
import * as G from '../hostile/generate.js';

const REMOTE = 'http://cardhound-no-network.invalid';
const PAN = G.hostilePans(1, 0x0ff)[0]!;
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Files that point at the network
// ---------------------------------------------------------------------------------------------

const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL = (kind: string): string => `http://schemas.openxmlformats.org/officeDocument/2006/relationships/${kind}`;

function html(): string {
  return (
    `<!DOCTYPE html><html><head><link rel="stylesheet" href="${REMOTE}/s.css"><script src="${REMOTE}/a.js"></script>` +
    `<base href="${REMOTE}/"><meta http-equiv="refresh" content="0; url=${REMOTE}/r"></head><body style="background:url(${REMOTE}/bg.png)">` +
    `<img src="${REMOTE}/pixel.gif" srcset="${REMOTE}/2x.gif 2x"><iframe src="${REMOTE}/frame"></iframe><object data="${REMOTE}/o.swf"></object>` +
    `<video src="${REMOTE}/v.mp4" poster="//cardhound-no-network.invalid/p.png"></video><p>Card ${PAN}</p></body></html>`
  );
}

function xmlWithExternals(): string {
  return (
    `<?xml version="1.0"?><!DOCTYPE card SYSTEM "${REMOTE}/card.dtd" [<!ENTITY ext SYSTEM "${REMOTE}/ext.xml"><!ENTITY % pe SYSTEM "${REMOTE}/pe.dtd"> %pe;]>` +
    `<?xml-stylesheet href="${REMOTE}/s.xsl" type="text/xsl"?><card xmlns:xi="http://www.w3.org/2001/XInclude" xsi:schemaLocation="urn:x ${REMOTE}/x.xsd">` +
    `<xi:include href="${REMOTE}/inc.xml"/><number>${PAN}</number>&ext;</card>`
  );
}

function docxWithExternals(): Uint8Array {
  const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
  const rels =
    `<?xml version="1.0"?><Relationships xmlns="${REL_NS}">` +
    ['image', 'hyperlink', 'attachedTemplate', 'oleObject', 'subDocument', 'frame']
      .map((kind, i) => `<Relationship Id="rId${i + 1}" Type="${REL(kind)}" Target="${REMOTE}/${kind}" TargetMode="External"/>`)
      .join('') +
    '</Relationships>';
  const body =
    `<w:p><w:fldSimple w:instr=' INCLUDEPICTURE "${REMOTE}/pic.png" \\d '><w:r><w:t>picture</w:t></w:r></w:fldSimple></w:p>` +
    `<w:p><w:hyperlink r:id="rId2"><w:r><w:t>Card ${PAN}</w:t></w:r></w:hyperlink></w:p>` +
    `<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" r:link="rId1"/></w:drawing></w:r></w:p>`;
  return G.docxPackage(
    `<?xml version="1.0"?><w:document xmlns:w="${W_NS}" xmlns:r="${REL('').slice(0, -1)}"><w:body>${body}</w:body></w:document>`,
    {},
    rels,
  );
}

function xlsxWithExternals(): Uint8Array {
  return G.xlsxPackage({
    rows: [['Card Number', 'Quote'], [PAN, `=WEBSERVICE("${REMOTE}/q")`]],
    customProps: `<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="_TemplateUrl"><vt:lpwstr>${REMOTE}/t.xltx</vt:lpwstr></property></Properties>`,
  });
}

function pdfWithExternals(): Uint8Array {
  return G.pdfWithContent(enc.encode(G.textOps(`Card ${PAN}`)), true, {
    catalog: `/OpenAction << /S /URI /URI (${REMOTE}/open) >> /URI << /Base (${REMOTE}/) >> `,
    page: `/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /URI /URI (${REMOTE}/link) >> >> << /Type /Annot /Subtype /FileAttachment /Rect [0 0 1 1] /FS << /FS /URL /F (${REMOTE}/file.pdf) >> >>] `,
  });
}

function emlWithExternals(): Uint8Array {
  return enc.encode(
    [
      'From: shop@example.test',
      'To: you@example.test',
      'Subject: receipt',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><img src="${REMOTE}/track.gif"><p>Card ${PAN}</p><a href="${REMOTE}/x">x</a></body></html>`,
      '--b',
      `Content-Type: message/external-body; access-type=URL; URL="${REMOTE}/body.txt"`,
      '',
      'Content-Type: text/plain',
      '',
      '--b',
      'Content-Type: text/plain',
      `Content-Location: ${REMOTE}/loc.txt`,
      '',
      `See ${REMOTE}/more`,
      '--b--',
      '',
    ].join('\r\n'),
  );
}

/** One or more files per format, every one naming remote resources where its format can. */
async function networkCorpus(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const [format, sample] of Object.entries(formatSamples())) files[`samples/${sample.filename ?? `sample.${format}`}`] = sample.bytes;
  Object.assign(files, {
    'page.html': enc.encode(html()),
    'feed.xml': enc.encode(xmlWithExternals()),
    'image.svg': enc.encode(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="${REMOTE}/i.png"/><text>${PAN}</text></svg>`),
    'links.docx': docxWithExternals(),
    'links.xlsx': xlsxWithExternals(),
    'links.pdf': pdfWithExternals(),
    'remote.eml': emlWithExternals(),
    'remote.rtf': enc.encode(`{\\rtf1\\ansi {\\field{\\*\\fldinst INCLUDEPICTURE "${REMOTE}/p.png" \\\\d}{\\fldrslt x}} Card ${PAN}\\par}`),
    'remote.msg': msgOf([PAN, PAN, PAN], { htmlOnly: true }).bytes,
    'urls.csv': enc.encode(`url,card\n${REMOTE}/a,${PAN}\n`),
    'urls.json': enc.encode(JSON.stringify({ $schema: `${REMOTE}/schema.json`, $ref: `${REMOTE}/ref.json`, card: PAN })),
    'urls.txt': enc.encode(`see ${REMOTE}/x and \\\\cardhound-no-network.invalid\\share\\y; card ${PAN}\n`),
    'mail.mbox': mboxOf([`card ${PAN} ${REMOTE}/a`, `<img src="${REMOTE}/b">`]),
    'store.pst': fakePst(4096),
    'report.pdf': await makePdf(),
    'letter.docx': await makeDocx(),
    'deck.pptx': makePptx(),
    'book.xlsx': makeWorkbook('xlsx'),
    'book.xlsb': makeWorkbook('xlsb'),
    'book.xls': makeWorkbook('xls'),
    'doc.odt': makeOdt(),
    'deck.odp': makeOdp(),
    'sheet.ods': makeOds(),
    'bundle.zip': G.zipOf([['page.html', html()], ['feed.xml', xmlWithExternals()], ['links.docx', docxWithExternals()]]),
    'page.html.gz': gzipOf(html()),
    'bundle.tar': tarOf([{ name: 'page.html', data: html() }, { name: 'remote.eml', data: emlWithExternals() }]),
    'blob.bin': G.noise(8192, 4),
  });
  return files;
}

// ---------------------------------------------------------------------------------------------
// Recorders (this process)
// ---------------------------------------------------------------------------------------------

type Restore = () => void;

/** Replaces every way out of the process with a function that records its name and throws. */
function installRecorders(calls: string[]): Restore {
  const restores: Restore[] = [];
  const swap = (owner: object, key: string, name: string): void => {
    const target = owner as Record<string, unknown>;
    const original = target[key];
    if (typeof original !== 'function') return;
    target[key] = function recorder(this: unknown) {
      calls.push(name);
      throw new Error(`network access attempted in a test: ${name}`);
    };
    restores.push(() => {
      target[key] = original;
    });
  };
  swap(net.Socket.prototype, 'connect', 'net.Socket#connect');
  swap(net, 'connect', 'net.connect');
  swap(net, 'createConnection', 'net.createConnection');
  swap(tls, 'connect', 'tls.connect');
  for (const key of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'reverse']) {
    swap(dns, key, `dns.${key}`);
    swap(dns.promises, key, `dns.promises.${key}`);
  }
  swap(dns.Resolver.prototype, 'resolve', 'dns.Resolver#resolve');
  swap(http, 'request', 'http.request');
  swap(http, 'get', 'http.get');
  swap(https, 'request', 'https.request');
  swap(https, 'get', 'https.get');
  swap(dgram, 'createSocket', 'dgram.createSocket');
  swap(globalThis, 'fetch', 'fetch');
  // ESM named imports of built-ins (`import { lookup } from 'node:dns'`) see the swap only after this.
  syncBuiltinESMExports();
  return () => {
    for (const restore of restores.reverse()) restore();
    syncBuiltinESMExports();
  };
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

let corpus: Record<string, Uint8Array> = {};
let dir = '';
beforeAll(async () => {
  corpus = await networkCorpus();
  dir = mkdtempSync(join(tmpdir(), 'cardhound-net-'));
  for (const [name, bytes] of Object.entries(corpus)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('no network access', () => {
  it('the recorders catch every way out (control)', async () => {
    const calls: string[] = [];
    const restore = installRecorders(calls);
    try {
      const dnsEsm = await import('node:dns');
      const attempts = [
        () => net.connect(9, '127.0.0.1'),
        () => new net.Socket().connect(9, '127.0.0.1'),
        () => tls.connect(443, 'example.test'),
        () => dnsEsm.lookup('example.test', () => undefined),
        () => dns.promises.lookup('example.test'),
        () => http.get(`${REMOTE}/`),
        () => https.request(`${REMOTE}/`),
        () => fetch(`${REMOTE}/`),
        () => dgram.createSocket('udp4'),
      ];
      for (const attempt of attempts) expect(attempt).toThrow(/network access attempted/);
      expect(calls).toEqual([
        'net.connect',
        'net.Socket#connect',
        'tls.connect',
        'dns.lookup',
        'dns.promises.lookup',
        'http.get',
        'https.request',
        'fetch',
        'dgram.createSocket',
      ]);
    } finally {
      restore();
    }
  });

  it('scanBuffer over every format, in this process, opens no socket and resolves no name', async () => {
    const calls: string[] = [];
    const restore = installRecorders(calls);
    const formats = new Set<string>();
    let findings = 0;
    try {
      for (const [name, bytes] of Object.entries(corpus)) {
        const report = await scanBuffer(bytes, { filename: name }, { minConfidence: 'low' });
        formats.add(report.stats.format);
        findings += report.findings.length;
      }
    } finally {
      restore();
    }
    expect(calls).toEqual([]);
    // Every extractor ran (a format never reached would prove nothing).
    for (const format of ['text', 'csv', 'json', 'xml', 'html', 'rtf', 'pdf', 'xlsx', 'xlsb', 'xls', 'ods', 'docx', 'pptx', 'odt', 'odp', 'ole', 'eml', 'msg', 'mbox', 'pst', 'zip', 'gzip', 'tar', 'binary']) {
      expect(formats, format).toContain(format);
    }
    expect(findings).toBeGreaterThan(20);
  });

  it('scan() with worker threads, in a child process probed in every thread, opens no socket and resolves no name', async () => {
    const dist = resolve(fileURLToPath(import.meta.url), '../../../dist/index.js');
    expect(existsSync(dist), 'dist/index.js (the test command builds it first)').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'cardhound-net-probe-'));
    try {
      const log = join(work, 'calls.log');
      const probe = join(work, 'probe.cjs');
      writeFileSync(probe, PROBE_SOURCE);
      const script = join(work, 'scan.mjs');
      writeFileSync(
        script,
        `import { scan } from ${JSON.stringify(pathToFileURL(dist).href)};\n` +
          `import { Worker } from 'node:worker_threads';\n` +
          `const mode = process.argv[2];\n` +
          `if (mode === 'control') {\n` +
          `  await new Promise((done) => new Worker("try { require('node:net').connect(9, '127.0.0.1') } catch {}", { eval: true }).on('exit', done));\n` +
          `} else {\n` +
          `  let findings = 0, errors = 0, summary;\n` +
          `  for await (const e of scan(process.argv[3], { concurrency: 2, minConfidence: 'low' })) {\n` +
          `    if (e.type === 'finding') findings++; else if (e.type === 'error') errors++; else if (e.type === 'summary') summary = e;\n` +
          `  }\n` +
          `  console.log(JSON.stringify({ findings, errors, files: summary.files }));\n` +
          `}\n`,
      );
      const runChild = (args: string[]): Promise<string> =>
        new Promise((done, fail) => {
          execFile(process.execPath, ['--require', probe, script, ...args], { env: { ...process.env, CARDHOUND_NET_LOG: log }, timeout: 120_000 }, (error, stdout) =>
            error ? fail(error) : done(stdout),
          );
        });
      const entries = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

      // Control: the probe is loaded in a worker thread and catches a connect there.
      await runChild(['control']);
      expect(entries()).toContainEqual(expect.stringMatching(/^call thread=[1-9]\d* net\.connect$/));
      rmSync(log);

      const stdout = await runChild(['scan', dir]);
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as { findings: number; files: number };
      expect(result.files).toBe(Object.keys(corpus).length);
      expect(result.findings).toBeGreaterThan(20);
      const lines = entries();
      // The probe ran in the main thread and in the pool's worker threads…
      const threads = new Set(lines.filter((l) => l.startsWith('loaded')).map((l) => l.split('=')[1]));
      expect(threads.has('0')).toBe(true);
      expect([...threads].some((t) => t !== '0')).toBe(true);
      // …and no thread tried to reach the network.
      expect(lines.filter((l) => l.startsWith('call'))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

/**
 * Loaded with `--require` in the child's main thread and in each of its worker threads: the
 * same recorders as {@link installRecorders}, writing `call thread=<id> <name>` to the log.
 */
const PROBE_SOURCE = String.raw`
const fs = require('node:fs');
const { threadId } = require('node:worker_threads');
const log = process.env.CARDHOUND_NET_LOG;
const note = (text) => fs.appendFileSync(log, text + '\n');
note('loaded thread=' + threadId);
const swap = (owner, key, name) => {
  if (typeof owner[key] !== 'function') return;
  owner[key] = function () {
    note('call thread=' + threadId + ' ' + name);
    throw new Error('network access attempted: ' + name);
  };
};
const net = require('node:net'), tls = require('node:tls'), dns = require('node:dns');
const http = require('node:http'), https = require('node:https'), dgram = require('node:dgram');
swap(net.Socket.prototype, 'connect', 'net.Socket#connect');
swap(net, 'connect', 'net.connect');
swap(net, 'createConnection', 'net.createConnection');
swap(tls, 'connect', 'tls.connect');
for (const key of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'reverse']) {
  swap(dns, key, 'dns.' + key);
  swap(dns.promises, key, 'dns.promises.' + key);
}
swap(dns.Resolver.prototype, 'resolve', 'dns.Resolver#resolve');
swap(http, 'request', 'http.request');
swap(http, 'get', 'http.get');
swap(https, 'request', 'https.request');
swap(https, 'get', 'https.get');
swap(dgram, 'createSocket', 'dgram.createSocket');
swap(globalThis, 'fetch', 'fetch');
require('node:module').syncBuiltinESMExports();
`;
