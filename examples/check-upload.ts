/**
 * An upload endpoint that refuses files containing card data, sketched with Node's `http`
 * module (no framework). The request body is scanned as it streams in with `scanStream`;
 * nothing is written to disk, and the response never echoes what was found beyond masks.
 *
 *   npx tsx examples/check-upload.ts            # demo: checks two files of the sample share
 *   CARDHOUND_FINGERPRINT_KEY=… npx tsx examples/check-upload.ts --serve
 *   curl --data-binary @examples/share/finance/refunds.xlsx \
 *        -H 'content-type: application/octet-stream' 'http://localhost:8080/upload?name=refunds.xlsx'
 * (or bundle with esbuild as shown in scan-text.ts; `scanStream` parses documents in-process)
 *
 * The scanner is created once with a fingerprint key, so the same card uploaded twice gets the
 * same fingerprint (useful for incident tracking) and the key never leaves the server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createScanner, type Confidence, type FileReport, type Finding } from '../src/index.js';

const LEVEL: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };
const REJECT_AT: Confidence = 'medium';
const MAX_UPLOAD = 25 * 1024 * 1024;

// One scanner for the whole process: options are validated once, here (bad options throw now,
// not on the first upload). `minConfidence: 'low'` so low findings can be logged, while only
// medium and above reject the upload.
const scanner = createScanner({
  minConfidence: 'low',
  fingerprintKey: process.env.CARDHOUND_FINGERPRINT_KEY ?? 'development-only-key',
  limits: { maxBufferSize: MAX_UPLOAD, timeoutMs: 15_000, maxDepth: 4 },
});

export interface Verdict {
  readonly accepted: boolean;
  readonly status: number;
  readonly reason: string;
  /** Masked numbers only, safe to show to the uploader and to log. */
  readonly findings: readonly Pick<Finding, 'masked' | 'brand' | 'confidence' | 'location' | 'fingerprint'>[];
}

/** Decides from a report: reject on any finding at or above {@link REJECT_AT}, or an unreadable file. */
export function verdict(report: FileReport): Verdict {
  const blocking = report.findings.filter((f) => LEVEL[f.confidence] >= LEVEL[REJECT_AT]);
  const findings = blocking.map(({ masked, brand, confidence, location, fingerprint }) => ({ masked, brand, confidence, location, fingerprint }));
  if (blocking.length > 0) {
    return { accepted: false, status: 422, reason: `file contains card data (${blocking.length} finding(s))`, findings };
  }
  // A file we could not read completely (encrypted, corrupt, limits) is not known to be clean.
  const unreadable = report.errors.find((e) => e.code !== 'unsupported');
  if (unreadable) return { accepted: false, status: 422, reason: `file could not be checked (${unreadable.code})`, findings };
  return { accepted: true, status: 201, reason: 'no card data found', findings };
}

/**
 * Scans any byte stream: a Node `Readable` (an `IncomingMessage`, a file stream) or a web
 * `ReadableStream<Uint8Array>` (the body of a `fetch` Request in Node 18+, Deno, Workers…).
 */
export async function checkUpload(body: Readable | ReadableStream<Uint8Array>, filename: string, mediaType?: string): Promise<Verdict> {
  const report = await scanner.scanStream(body, mediaType ? { filename, mediaType } : { filename });
  for (const f of report.findings) {
    if (LEVEL[f.confidence] < LEVEL[REJECT_AT]) console.info(`upload ${filename}: low finding ${f.masked} (${f.reasons.join(' ')})`);
  }
  return verdict(report);
}

/** The same check for a fetch-style handler: `(request: Request) => Response`. */
export async function handleFetch(request: Request): Promise<Response> {
  if (!request.body) return Response.json({ error: 'empty body' }, { status: 400 });
  const name = new URL(request.url).searchParams.get('name') ?? 'upload.bin';
  const result = await checkUpload(request.body, name, request.headers.get('content-type') ?? undefined);
  return Response.json(result, { status: result.status });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function handleNode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'POST' || url.pathname !== '/upload') return send(res, 404, { error: 'POST /upload?name=<file name>' });
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_UPLOAD) return send(res, 413, { error: 'too large' });
  // A real service would take the file part out of multipart/form-data first (busboy etc.)
  // and pass that part's stream here; this sketch expects the raw file as the body.
  const contentType = req.headers['content-type'];
  const mediaType = contentType && contentType !== 'application/octet-stream' ? contentType : undefined;
  const result = await checkUpload(req, url.searchParams.get('name') ?? 'upload.bin', mediaType);
  if (result.accepted) {
    // … store the file here …
  }
  send(res, result.status, result);
}

// Demo without a network: check two files of the sample share through both stream kinds.
async function demo(): Promise<void> {
  const { createReadStream } = await import('node:fs');
  const letter = 'examples/share/letters/payment-letter.docx';
  const nodeStream = createReadStream(letter);
  console.dir({ file: letter, ...(await checkUpload(nodeStream, 'payment-letter.docx')) }, { depth: null });

  const notes = 'examples/share/notes/readme.txt';
  const webStream = Readable.toWeb(createReadStream(notes)) as ReadableStream<Uint8Array>;
  console.dir({ file: notes, ...(await checkUpload(webStream, 'readme.txt', 'text/plain')) }, { depth: null });
}

if (process.argv.includes('--serve')) {
  const port = Number(process.env.PORT ?? 8080);
  createServer((req, res) => {
    handleNode(req, res).catch((error: unknown) => {
      console.error('upload check failed', error instanceof Error ? error.message : error);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  }).listen(port, () => console.log(`POST files to http://localhost:${port}/upload?name=<file name>`));
} else {
  await demo();
}
