/**
 * `sarif` format: SARIF 2.1.0 for code-scanning dashboards (GitHub, Azure DevOps, IDE viewers).
 * One run; one rule per finding kind; per-file errors become tool execution notifications.
 *
 * Unlike secret scanners that copy the matched line into `region.snippet`, nothing here
 * quotes file text: a snippet would hold the card number. Messages carry the masked form only.
 *
 * Regions use the finding's positions as they are, so they count the extracted text (the same
 * as the file's text for plain-text files; the text of the page, sheet or member otherwise).
 */
import { sep } from 'node:path';
import type { Confidence, Finding, FindingKind, Location, ScanErrorRecord, ScanEvent, ScanSummary } from '../types.js';
import type { Reporter, ReporterOptions } from './index.js';
import { safeLabel, summaryRecord } from './json.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** `originalUriBaseIds` key that relative artifact URIs are resolved against when a root is given. */
const ROOT_BASE_ID = 'ROOT';

interface Rule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string };
  readonly properties: { readonly tags: readonly string[]; readonly 'security-severity': string };
}

const MASKED_ONLY = 'The report shows only the first six and last four digits.';
const PAN_HELP =
  'Delete the data, or move it into a system in PCI DSS scope that renders it unreadable ' +
  `(truncation, tokenisation, strong cryptography). ${MASKED_ONLY}`;
const TAGS = ['security', 'pci-dss', 'card-data'] as const;

function trackRule(track: 1 | 2, contents: string): Rule {
  return {
    id: `cardhound/track${track}`,
    name: `MagneticStripeTrack${track}`,
    shortDescription: { text: `Magnetic-stripe track ${track} data` },
    fullDescription: {
      text:
        `Track ${track} data (${contents}) is sensitive authentication data: ` +
        'PCI DSS requirement 3.3.1 forbids keeping it after authorisation, even encrypted.',
    },
    help: { text: `Delete the data: sensitive authentication data may not be kept at all. ${MASKED_ONLY}` },
    properties: { tags: TAGS, 'security-severity': '9.0' },
  };
}

// Indexes in this table are the `ruleIndex` of results: keep the order.
const RULES: { readonly [K in FindingKind]: Rule } = {
  pan: {
    id: 'cardhound/pan',
    name: 'PaymentCardNumber',
    shortDescription: { text: 'Payment card number (PAN) in clear' },
    fullDescription: {
      text:
        'A Luhn-valid number in an issued card range. PCI DSS requirement 3.5.1 demands that a primary ' +
        'account number be unreadable wherever it is stored.',
    },
    help: { text: PAN_HELP },
    properties: { tags: TAGS, 'security-severity': '7.5' },
  },
  track1: trackRule(1, 'card number, cardholder name, expiry, service code and discretionary data'),
  track2: trackRule(2, 'card number, expiry, service code and discretionary data'),
};
const KINDS = Object.keys(RULES) as FindingKind[];

const LEVEL: { readonly [C in Confidence]: 'error' | 'warning' | 'note' } = { high: 'error', medium: 'warning', low: 'note' };

const KIND_LABEL: { readonly [K in FindingKind]: string } = {
  pan: 'card number',
  track1: 'magnetic-stripe track 1 data',
  track2: 'magnetic-stripe track 2 data',
};

// encodeURIComponent throws on a lone surrogate, which a Windows file name can contain.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function encodeSegments(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => encodeURIComponent(segment.replace(LONE_SURROGATE, '\uFFFD')))
    .join('/');
}

/**
 * A file path as a SARIF artifact URI: relative to `root` when it lies under it, with forward
 * slashes and every segment percent-encoded (so `#`, `%`, `?`, `:` and spaces stay part of the
 * name); absolute paths become `file:` URIs. Relative paths are taken as already relative to the
 * root. `separator` is the platform's: a backslash is a separator only on Windows.
 */
export function artifactUri(path: string, root?: string, separator: string = sep): string {
  const slashed = (p: string): string => (separator === '\\' ? p.replaceAll('\\', '/') : p);
  let target = slashed(path);
  if (root !== undefined) {
    const base = slashed(root).replace(/\/+$/, '');
    if (target.startsWith(`${base}/`)) target = target.slice(base.length + 1);
  }
  if (target.startsWith('//')) {
    const [host = '', ...rest] = target.slice(2).split('/');
    return `file://${encodeSegments(host)}/${encodeSegments(rest.join('/'))}`;
  }
  if (/^[A-Za-z]:\//.test(target)) return `file:///${target.slice(0, 2)}/${encodeSegments(target.slice(3))}`;
  if (target.startsWith('/')) return `file:///${encodeSegments(target)}`;
  return encodeSegments(target);
}

function isAbsoluteUri(uri: string): boolean {
  return uri.startsWith('file:');
}

function artifactLocation(path: string | undefined, root: string | undefined): object {
  // Text from stdin or from scanText has no URI; SARIF lets a description stand in for it.
  if (path === undefined) return { description: { text: 'text without a file name' } };
  if (path === '-') return { description: { text: 'standard input' } };
  const uri = artifactUri(safeLabel(path), root);
  return root !== undefined && !isAbsoluteUri(uri) ? { uri, uriBaseId: ROOT_BASE_ID } : { uri };
}

function region(location: Location): object | undefined {
  const { line, column, offset } = location;
  if (line === undefined && offset === undefined) return undefined;
  return { startLine: line, startColumn: line === undefined ? undefined : column, charOffset: offset };
}

function sarifLocation(path: string | undefined, location: Location | undefined, root: string | undefined): object {
  const where = location && region(location);
  return {
    physicalLocation: { artifactLocation: artifactLocation(path, root), region: where },
    // A member of a container has no URI of its own that viewers understand; it is named here.
    logicalLocations: location?.entry === undefined ? undefined : [{ fullyQualifiedName: safeLabel(location.entry), kind: 'resource' }],
  };
}

function placeProperties(location: Location | undefined): object {
  if (!location) return {};
  const { page, cell, row } = location;
  return { entry: safeLabel(location.entry), page, sheet: safeLabel(location.sheet), cell, row };
}

function message(finding: Finding): string {
  const notes = [
    finding.brand,
    `${finding.confidence} confidence`,
    finding.expiry && 'expiry date present',
    finding.cvv && 'CVV present',
    finding.testCard && 'published test number',
  ].filter(Boolean);
  return `${KIND_LABEL[finding.kind]} ${finding.masked} (${notes.join(', ')})`;
}

function result(finding: Finding, root: string | undefined, stableFingerprints: boolean): object {
  return {
    ruleId: RULES[finding.kind].id,
    ruleIndex: KINDS.indexOf(finding.kind),
    level: LEVEL[finding.confidence],
    message: { text: message(finding) },
    locations: [sarifLocation(finding.path, finding.location, root)],
    // Dashboards match results across runs by these; with a random per-run key they would
    // change every run and turn every finding into a new alert.
    partialFingerprints: stableFingerprints ? { 'cardhound/v1': finding.fingerprint } : undefined,
    properties: {
      brand: finding.brand,
      masked: finding.masked,
      bin: finding.bin,
      last4: finding.last4,
      length: finding.length,
      confidence: finding.confidence,
      score: finding.score,
      reasons: [...finding.reasons],
      testCard: finding.testCard,
      expiry: finding.expiry !== undefined,
      cvv: finding.cvv !== undefined,
      fingerprint: finding.fingerprint,
      ...placeProperties(finding.location),
    },
  };
}

function notification(error: ScanErrorRecord, root: string | undefined): object {
  return {
    level: 'error',
    message: { text: `${error.code}: ${error.message}` },
    locations: [sarifLocation(error.path, error.location, root)],
    properties: { code: error.code, ...placeProperties(error.location) },
  };
}

/**
 * `sarif` reporter. Buffers and writes one SARIF 2.1.0 log at the end. `executionSuccessful` is
 * false when the summary says the scan was incomplete (or, without a summary, when there were
 * errors). Partial fingerprints are left out when the summary says the key was random.
 */
export function createSarifReporter(options: ReporterOptions = {}): Reporter {
  const { toolVersion } = options;
  // Masked like the paths it is compared with (a folder name can hold a card number too).
  const root = safeLabel(options.root);
  const findings: Finding[] = [];
  const errors: ScanErrorRecord[] = [];
  let summary: ScanSummary | undefined;
  return {
    write(event: ScanEvent): string {
      if (event.type === 'finding') findings.push(event);
      else if (event.type === 'error') errors.push(event);
      else if (event.type === 'summary') summary = event;
      return '';
    },
    end(): string {
      const randomKey = summary?.fingerprintKey === 'random';
      const rootUri = root === undefined ? undefined : artifactUri(root);
      const log = {
        $schema: SARIF_SCHEMA,
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: { name: 'cardhound', version: toolVersion, rules: KINDS.map((kind) => RULES[kind]) },
            },
            originalUriBaseIds:
              rootUri !== undefined && isAbsoluteUri(rootUri)
                ? { [ROOT_BASE_ID]: { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } }
                : undefined,
            invocations: [
              {
                executionSuccessful: summary ? summary.complete : errors.length === 0,
                toolExecutionNotifications: errors.length > 0 ? errors.map((error) => notification(error, root)) : undefined,
                toolConfigurationNotifications: randomKey
                  ? [
                      {
                        level: 'warning',
                        message: {
                          text: 'fingerprints come from a random per-run key and are not comparable across runs: set CARDHOUND_FINGERPRINT_KEY',
                        },
                      },
                    ]
                  : undefined,
                properties: summary ? { summary: summaryRecord(summary) } : undefined,
              },
            ],
            columnKind: 'utf16CodeUnits',
            results: findings.map((finding) => result(finding, root, !randomKey)),
          },
        ],
      };
      return `${JSON.stringify(log, null, 2)}\n`;
    },
  };
}
