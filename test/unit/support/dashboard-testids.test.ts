// The page objects select only by test ids the real 2.9 dashboard has (support/dashboard/
// testids-2.9.txt, from odh-dashboard rhoai-2.9 frontend/src), and the twin's dashboard pages
// render only such test ids: a harness and a twin that agreed on an invented id would both go green.
// Also: the trace redaction rewrites a zip so that no secret is left in its text entries.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { readZip, redactZip, writeZip } from '../../../support/dashboard/trace-redaction';

const ROOT = path.join(__dirname, '../../..');
const DASHBOARD = path.join(ROOT, 'support/dashboard');

function knownIds(): RegExp[] {
  return fs
    .readFileSync(path.join(DASHBOARD, 'testids-2.9.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map(
      (id) =>
        new RegExp(
          `^${id
            .split(/\$\{[^}]*\}/)
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('.+')}$`,
        ),
    );
}

/** A value with ${...} parts is checked with each part as "x". */
const concrete = (value: string) => value.replace(/\$\{[^}]*\}/g, 'x');

describe('dashboard test ids', () => {
  const ids = knownIds();
  const known = (value: string) => ids.some((r) => r.test(concrete(value)));

  test('every test id a page object uses is one of the real 2.9 dashboard', () => {
    const used: string[] = [];
    for (const file of fs.readdirSync(DASHBOARD).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(DASHBOARD, file), 'utf8');
      for (const m of text.matchAll(/getByTestId\(\s*(['"`])(.*?)\1/g)) used.push(m[2]!);
    }
    assert.ok(used.length >= 20, `only ${used.length} test ids found in support/dashboard: the scan is broken`);
    assert.deepEqual(
      used.filter((id) => !known(id)),
      [],
      'test ids not in the 2.9 dashboard',
    );
  });

  test("every test id the twin's dashboard pages render is one of the real 2.9 dashboard", () => {
    const text = ['twin/emulators/dashboard.ts', 'twin/emulators/dashboard-apps.ts']
      .map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8'))
      .join('\n');
    const rendered = [...text.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(rendered.length >= 20, `only ${rendered.length} test ids found in the twin's pages`);
    assert.deepEqual(
      rendered.filter((id) => !known(id)),
      [],
      'test ids the real dashboard does not have',
    );
  });

  test('an invented test id is not known', () => {
    assert.equal(known('invented-save-button'), false);
    assert.equal(known('card x'), true);
  });
});

describe('trace redaction', () => {
  test('text entries lose the secret, images stay, the zip reads back', () => {
    const secret = 'hunter2-very-secret';
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
    const original = writeZip([
      { name: 'trace.trace', data: Buffer.from(`{"params":{"value":"${secret}"}}\n`) },
      { name: 'resources/abc.png', data: png },
    ]);
    const redacted = redactZip(original, (t) => t.split(secret).join('[redacted]'));
    const entries = readZip(redacted);
    assert.equal(entries[0]!.data.toString(), '{"params":{"value":"[redacted]"}}\n');
    assert.deepEqual(entries[1]!.data, png);
    assert.ok(!redacted.includes(Buffer.from(secret)));
  });

  test('deflated entries (as Playwright writes them) are read', () => {
    const data = Buffer.from('x'.repeat(1000));
    const deflated = zlib.deflateRawSync(data);
    // A one-entry zip with method 8, built by hand from the stored writer's layout.
    const stored = writeZip([{ name: 'a.trace', data }]);
    const local = Buffer.from(stored.subarray(0, 30));
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(deflated.length, 18);
    const name = Buffer.from('a.trace');
    const central = Buffer.from(stored.subarray(30 + name.length + data.length, 30 + name.length + data.length + 46));
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(deflated.length, 20);
    const end = Buffer.from(stored.subarray(stored.length - 22));
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(30 + name.length + deflated.length, 16);
    const zip = Buffer.concat([local, name, deflated, central, name, end]);
    assert.equal(readZip(zip)[0]!.data.toString(), data.toString());
  });
});

describe('trace redaction of resources', () => {
  test("a resource without a text extension (a form's post data) is redacted too", () => {
    const secret = 'p@ss w0rd/secret';
    const form = new URLSearchParams({ username: 'admin', password: secret }).toString();
    const zip = writeZip([{ name: 'resources/1f622f6823ce6d0ce7d2839dec58d43f35993513.dat', data: Buffer.from(form) }]);
    const encoded = new URLSearchParams({ p: secret }).toString().slice(2);
    const redacted = redactZip(zip, (t) => t.split(encoded).join('[redacted]'));
    assert.equal(readZip(redacted)[0]!.data.toString(), 'username=admin&password=[redacted]');
  });
});
