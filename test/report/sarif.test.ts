import { describe, expect, it } from 'vitest';
import { artifactUri } from '../../src/report/sarif.js';
import type { ScanEvent } from '../../src/types.js';
import { render } from './helpers.js';
import { error, finding, overfedFinding, SAMPLE_EVENTS, summary, TEXT_FINDING } from './sample-events.js';

/** Parsed SARIF: its shape is what `validateSarif` checks. */
type Json = any;

const LEVELS = ['none', 'note', 'warning', 'error'];
// RFC 3986 URI-reference characters, with `%` only as the start of a HEXDIG pair.
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/;

function expectUriReference(uri: unknown): void {
  expect(typeof uri).toBe('string');
  expect(uri).toMatch(URI_REFERENCE);
  expect(() => new URL(uri as string, 'file:///base/')).not.toThrow();
  // A relative reference must not look like it has a scheme (RFC 3986 §4.2).
  if (!(uri as string).startsWith('file:')) expect(uri).not.toMatch(/^[^/]*:/);
}

function expectRegion(region: Json): void {
  if (region === undefined) return;
  expect(region.startLine !== undefined || region.charOffset !== undefined).toBe(true);
  if (region.startLine !== undefined) expect(Number.isInteger(region.startLine) && region.startLine >= 1).toBe(true);
  if (region.startColumn !== undefined) {
    expect(region.startLine).toBeDefined();
    expect(Number.isInteger(region.startColumn) && region.startColumn >= 1).toBe(true);
  }
  if (region.charOffset !== undefined) expect(Number.isInteger(region.charOffset) && region.charOffset >= 0).toBe(true);
  expect(region).not.toHaveProperty('snippet');
}

function expectLocation(location: Json, baseIds: readonly string[]): void {
  const artifact = location.physicalLocation.artifactLocation;
  if (artifact.uri === undefined) expect(typeof artifact.description.text).toBe('string');
  else expectUriReference(artifact.uri);
  if (artifact.uriBaseId !== undefined) expect(baseIds).toContain(artifact.uriBaseId);
  expectRegion(location.physicalLocation.region);
  for (const logical of location.logicalLocations ?? []) expect(typeof logical.fullyQualifiedName).toBe('string');
}

/** The parts of the SARIF 2.1.0 schema a consumer relies on (no schema file ships in node_modules). */
function validateSarif(log: Json): void {
  expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
  expect(log.version).toBe('2.1.0');
  expect(log.runs).toHaveLength(1);
  const run = log.runs[0];
  const driver = run.tool.driver;
  expect(driver.name).toBe('cardhound');
  const ruleIds = driver.rules.map((rule: Json) => rule.id);
  expect(new Set(ruleIds).size).toBe(ruleIds.length);
  for (const rule of driver.rules) {
    for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text]) expect(text).toMatch(/\S/);
  }
  const baseIds = Object.keys(run.originalUriBaseIds ?? {});
  for (const base of Object.values<Json>(run.originalUriBaseIds ?? {})) expect(base.uri).toMatch(/^file:\/\/.*\/$/);
  expect(Array.isArray(run.results)).toBe(true);
  for (const result of run.results) {
    expect(result.message.text).toMatch(/\S/);
    expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(LEVELS).toContain(result.level);
    for (const location of result.locations) expectLocation(location, baseIds);
    for (const value of Object.values(result.partialFingerprints ?? {})) expect(typeof value).toBe('string');
  }
  expect(run.invocations).toHaveLength(1);
  const invocation = run.invocations[0];
  expect(typeof invocation.executionSuccessful).toBe('boolean');
  for (const note of [...(invocation.toolExecutionNotifications ?? []), ...(invocation.toolConfigurationNotifications ?? [])]) {
    expect(LEVELS).toContain(note.level);
    expect(note.message.text).toMatch(/\S/);
    for (const location of note.locations ?? []) expectLocation(location, baseIds);
  }
}

function sarif(events: readonly ScanEvent[], options = {}): Json {
  const log = JSON.parse(render('sarif', events, options));
  validateSarif(log);
  return log;
}

describe('sarif reporter', () => {
  it('writes a structurally valid SARIF 2.1.0 log for the sample stream', () => {
    const log = sarif(SAMPLE_EVENTS, { root: '/srv/share', toolVersion: '0.1.0' });
    expect(log.runs[0].results).toHaveLength(8);
    expect(log.runs[0].tool.driver.version).toBe('0.1.0');
    expect(log.runs[0].originalUriBaseIds).toEqual({ ROOT: { uri: 'file:///srv/share/' } });
  });

  it('has one rule per finding kind and points results at it', () => {
    const log = sarif([finding({ kind: 'track1' }), finding({ kind: 'pan' }), finding({ kind: 'track2' })]);
    expect(log.runs[0].tool.driver.rules.map((rule: Json) => rule.id)).toEqual(['cardhound/pan', 'cardhound/track1', 'cardhound/track2']);
    expect(log.runs[0].results.map((result: Json) => result.ruleId)).toEqual(['cardhound/track1', 'cardhound/pan', 'cardhound/track2']);
    expect(log.runs[0].tool.driver).not.toHaveProperty('version');
  });

  it.each([
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'note'],
  ] as const)('maps %s confidence to level %s', (confidence, level) => {
    expect(sarif([finding({ confidence })]).runs[0].results[0].level).toBe(level);
  });

  it('says brand, masked PAN and confidence in the message, and never the path', () => {
    const [result] = sarif([finding({ path: 'secret-name.txt', testCard: true, cvv: { present: true, location: {} } })]).runs[0].results;
    expect(result.message.text).toBe('card number 411111******1111 (visa, high confidence, CVV present, published test number)');
  });

  it('gives the region, logical location and properties of a finding', () => {
    const [result] = sarif([
      finding({
        location: { entry: 'a/b.docx', page: 2, line: 3, column: 9, offset: 40 },
        expiry: { present: true, location: { line: 3, column: 30 } },
      }),
    ]).runs[0].results;
    const [location] = result.locations;
    expect(location.physicalLocation).toEqual({ artifactLocation: { uri: 'share/payments.txt' }, region: { startLine: 3, startColumn: 9, charOffset: 40 } });
    expect(location.logicalLocations).toEqual([{ fullyQualifiedName: 'a/b.docx', kind: 'resource' }]);
    expect(result.properties).toMatchObject({ brand: 'visa', masked: '411111******1111', score: 0.93, confidence: 'high', testCard: false, expiry: true, cvv: false, entry: 'a/b.docx', page: 2 });
    expect(result.properties.reasons).toEqual(['luhn', 'brand:visa', 'keyword:card@-12']);
  });

  it('leaves the region out when the position has no line or offset', () => {
    const [result] = sarif([finding({ location: { sheet: 'S', cell: 'B2', row: 2 } })]).runs[0].results;
    expect(result.locations[0].physicalLocation).not.toHaveProperty('region');
    expect(result.properties).toMatchObject({ sheet: 'S', cell: 'B2', row: 2 });
  });

  it('describes text without a path and stdin instead of inventing a URI', () => {
    const results = sarif([TEXT_FINDING, finding({ path: '-' })]).runs[0].results;
    expect(results[0].locations[0].physicalLocation.artifactLocation).toEqual({ description: { text: 'text without a file name' } });
    expect(results[1].locations[0].physicalLocation.artifactLocation).toEqual({ description: { text: 'standard input' } });
  });

  it('keeps stable fingerprints as partialFingerprints, but not random-key ones', () => {
    const stable = sarif([finding(), summary({ fingerprintKey: 'option' })]).runs[0];
    expect(stable.results[0].partialFingerprints).toEqual({ 'cardhound/v1': finding().fingerprint });
    expect(stable.invocations[0]).not.toHaveProperty('toolConfigurationNotifications');
    const random = sarif([finding(), summary({ fingerprintKey: 'random' })]).runs[0];
    expect(random.results[0]).not.toHaveProperty('partialFingerprints');
    expect(random.results[0].properties.fingerprint).toBe(finding().fingerprint);
    expect(random.invocations[0].toolConfigurationNotifications[0]).toMatchObject({ level: 'warning', message: { text: expect.stringContaining('CARDHOUND_FINGERPRINT_KEY') } });
  });

  it('turns errors into error notifications with their location', () => {
    const invocation = sarif([error({ location: { entry: 'inner.docx' } })], { root: '/srv' }).runs[0].invocations[0];
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'encrypted: archive is password-protected' },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: 'share/secret.zip', uriBaseId: 'ROOT' } },
            logicalLocations: [{ fullyQualifiedName: 'inner.docx', kind: 'resource' }],
          },
        ],
        properties: { code: 'encrypted', entry: 'inner.docx' },
      },
    ]);
  });

  it.each([
    [[summary({ complete: true, errors: 0 })], true],
    [[error(), summary({ complete: false })], false],
    [[summary({ complete: false, aborted: true })], false],
    [[finding()], true],
    [[error()], false],
  ] as const)('sets executionSuccessful from the summary, or from errors without one (#%#)', (events, successful) => {
    expect(sarif(events).runs[0].invocations[0].executionSuccessful).toBe(successful);
  });

  it('keeps the summary in the invocation properties', () => {
    expect(sarif([summary()]).runs[0].invocations[0].properties.summary).toEqual(summary());
  });

  it('never writes a snippet or anything outside the contract', () => {
    const out = render('sarif', [overfedFinding()]);
    expect(out).not.toMatch(/snippet|4111111111111111|12\/29|cvvValue/);
  });
});

describe('artifactUri', () => {
  it.each([
    ['share/a.txt', undefined, 'share/a.txt'],
    ['./share/./a.txt', undefined, 'share/a.txt'],
    ['dir/100% #1?.txt', undefined, 'dir/100%25%20%231%3F.txt'],
    ['Zahlungen März €.txt', undefined, 'Zahlungen%20M%C3%A4rz%20%E2%82%AC.txt'],
    ['a:b.txt', undefined, 'a%3Ab.txt'],
    ['=x,"y"\n.txt', undefined, '%3Dx%2C%22y%22%0A.txt'],
    ['back\\slash.txt', undefined, 'back%5Cslash.txt'],
    ['/srv/share/a b.txt', '/srv/share', 'a%20b.txt'],
    ['/srv/share/a.txt', '/srv/share/', 'a.txt'],
    ['/srv/shared/a.txt', '/srv/share', 'file:///srv/shared/a.txt'],
    ['/etc/x #1', undefined, 'file:///etc/x%20%231'],
    ['rel/a.txt', '/srv/share', 'rel/a.txt'],
    ['/a.txt', '/', 'a.txt'],
  ])('%j under root %j → %s', (path, root, uri) => {
    expect(artifactUri(path, root, '/')).toBe(uri);
    expectUriReference(uri);
  });

  it.each([
    ['C:\\share\\a b.txt', undefined, 'file:///C:/share/a%20b.txt'],
    ['C:\\share\\sub\\a.txt', 'C:\\share', 'sub/a.txt'],
    ['C:\\share\\sub\\a.txt', 'C:\\share\\', 'sub/a.txt'],
    ['\\\\server\\share\\x.txt', undefined, 'file://server/share/x.txt'],
    ['sub\\a.txt', undefined, 'sub/a.txt'],
  ])('Windows: %j under root %j → %s', (path, root, uri) => {
    expect(artifactUri(path, root, '\\')).toBe(uri);
    expectUriReference(uri);
  });

  it('survives a lone surrogate in a file name', () => {
    expect(artifactUri('bad\uD800name.txt', undefined, '/')).toBe('bad%EF%BF%BDname.txt');
  });

  it('round-trips every segment through decodeURIComponent', () => {
    const segments = ['a b', '#%?', 'ü€😀', "q'(x)!*", '--', '@home'];
    const uri = artifactUri(segments.join('/'), undefined, '/');
    expectUriReference(uri);
    expect(uri.split('/').map(decodeURIComponent)).toEqual(segments);
  });
});
