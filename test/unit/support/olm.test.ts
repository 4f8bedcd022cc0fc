// Which CSV the harness pins from a PackageManifest (packages.operators.coreos.com/v1), and the
// refusals, naming the catalog and its offer, that stop the install before anything is applied.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../../../support/core/cluster';
import { choosePin, compareVersions, OPERATORS, versionMatches } from '../../../support/install/olm';

const entry = (v: string) => ({ name: `rhods-operator.${v}`, version: v });
const manifest: KObject = {
  apiVersion: 'packages.operators.coreos.com/v1',
  kind: 'PackageManifest',
  metadata: { name: 'rhods-operator', namespace: 'openshift-marketplace' },
  status: {
    catalogSource: 'redhat-operators',
    defaultChannel: 'stable',
    channels: [
      { name: 'fast', currentCSV: 'rhods-operator.2.19.0', entries: ['2.19.0', '2.10.0', '2.9.1', '2.9.0', '2.8.4'].map(entry) },
      { name: 'stable', currentCSV: 'rhods-operator.2.19.0', entries: ['2.19.0', '2.16.1', '2.10.0', '2.8.4'].map(entry) },
      { name: 'eus-2.8', currentCSV: 'rhods-operator.2.8.4', entries: ['2.8.4', '2.8.3'].map(entry) },
    ],
  },
};
const rhods = OPERATORS['rhods-operator']!;

describe('choosePin', () => {
  test('a minor pins its newest z-stream in the channel, never the head', () => {
    const pin = choosePin(manifest, rhods, 'fast', '2.9');
    assert.deepEqual(pin, {
      package: 'rhods-operator',
      catalog: 'redhat-operators',
      channel: 'fast',
      csv: 'rhods-operator.2.9.1',
      version: '2.9.1',
      head: 'rhods-operator.2.19.0',
    });
  });

  test('a full version pins exactly that CSV', () => {
    assert.equal(choosePin(manifest, rhods, 'fast', '2.9.0').csv, 'rhods-operator.2.9.0');
  });

  test('without a channel: the default channel if it carries the version, else the first that does', () => {
    assert.equal(choosePin(manifest, rhods, undefined, '2.10').channel, 'stable');
    assert.equal(choosePin(manifest, rhods, undefined, '2.9').channel, 'fast');
  });

  test('any pins the head of the channel', () => {
    assert.equal(choosePin(manifest, rhods, 'eus-2.8', undefined).csv, 'rhods-operator.2.8.4');
  });

  test('a version no channel carries is refused, naming the catalog, the channels and their versions', () => {
    assert.throws(
      () => choosePin(manifest, rhods, 'fast', '2.11'),
      /catalog redhat-operators offers no rhods-operator 2\.11: its channels offer fast \(2\.8\.4, 2\.9\.0, 2\.9\.1, 2\.10\.0, 2\.19\.0\); stable \(2\.8\.4, 2\.10\.0, 2\.16\.1, 2\.19\.0\); eus-2\.8 \(2\.8\.3, 2\.8\.4\)\. Nothing was applied; set RHOAI_EXPECTED_VERSION/,
    );
  });

  test('a channel without the version is refused, naming the channels that carry it', () => {
    assert.throws(
      () => choosePin(manifest, rhods, 'stable', '2.9'),
      /channel stable of rhods-operator offers no 2\.9, only \(2\.8\.4, 2\.10\.0, 2\.16\.1, 2\.19\.0\); the channels that carry 2\.9: fast \(.*\)\. Nothing was applied; set RHOAI_OPERATOR_CHANNEL/,
    );
    assert.throws(
      () => choosePin(manifest, rhods, 'candidate', '2.9'),
      /has no channel "candidate"; its channels are: fast, stable, eus-2\.8/,
    );
  });

  test('versions compare numerically and match by prefix, pre-release suffixes included', () => {
    assert.ok(compareVersions('2.10.0', '2.9.1') > 0);
    assert.ok(versionMatches('2.5.1-0', '2.5'));
    assert.ok(versionMatches('2.5.1-0', '2.5.1'));
    assert.ok(!versionMatches('2.50.0', '2.5'));
  });
});
