import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FixtureError, renderFixture, renderOne, renderTemplate } from '../../../support/core/fixtures';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n';

describe('fixtures', () => {
  it('gives an exact placeholder the value with its own type', () => {
    const [doc] = renderTemplate('port: ${port}\nenabled: ${on}\nspec: ${spec}\npem: ${pem}\nname: "${name}"\n', {
      port: 8443,
      on: false,
      spec: { replicas: 2, args: ['a', 'b'] },
      pem: PEM,
      name: 'x',
    }) as [Record<string, unknown>];
    assert.deepEqual(doc, { port: 8443, enabled: false, spec: { replicas: 2, args: ['a', 'b'] }, pem: PEM, name: 'x' });
  });

  it('interpolates placeholders inside longer text, in keys too', () => {
    const [doc] = renderTemplate('host: "api.${domain}:${port}"\nlabels:\n  ${prefix}/owner: me\n', {
      domain: 'x.example',
      port: 6443,
      prefix: 'rhoai.io',
    });
    assert.deepEqual(doc, { host: 'api.x.example:6443', labels: { 'rhoai.io/owner': 'me' } });
  });

  it('does not let a value break the YAML structure', () => {
    const [doc] = renderTemplate('a: "pre-${evil}"\nb: ${evil}\n', { evil: 'x\nc: injected' }) as [Record<string, unknown>];
    assert.deepEqual(Object.keys(doc), ['a', 'b']);
    assert.equal(doc.b, 'x\nc: injected');
  });

  it('reaches into object variables with dotted names and keeps $${ literal', () => {
    const [doc] = renderTemplate('bucket: ${s3.bucket}\nliteral: "$${HOME}"\n', { s3: { bucket: 'models' } });
    assert.deepEqual(doc, { bucket: 'models', literal: '${HOME}' });
  });

  it('names the fixture file and the variable when one is missing', () => {
    assert.throws(
      () => renderFixture('core/namespace', {}),
      (e: Error) => e instanceof FixtureError && /fixtures\/core\/namespace.yaml: variable "name" is not defined/.test(e.message),
    );
  });

  it('refuses to interpolate an object into text', () => {
    assert.throws(() => renderTemplate('a: "x-${o}"', { o: { b: 1 } }), /variable "o" is an object/);
  });

  it('renders every document of a multi-document file', () => {
    const docs = renderTemplate('a: ${x}\n---\nb: ${x}\n---\n', { x: 1 });
    assert.deepEqual(docs, [{ a: 1 }, { b: 1 }]);
  });

  it('renders a fixture file into Kubernetes objects', () => {
    const ns = renderOne('core/namespace', { name: 'demo' });
    assert.equal(ns.kind, 'Namespace');
    assert.equal(ns.metadata.name, 'demo');
    const cm = renderOne('core/configmap.yaml', { name: 'c', namespace: 'demo', data: { 'a.txt': 'hello' } });
    assert.deepEqual(cm.data, { 'a.txt': 'hello' });
  });

  it('rejects a fixture outside fixtures/ and a missing one', () => {
    assert.throws(() => renderFixture('../package.json'), /outside fixtures/);
    assert.throws(() => renderFixture('nope/none'), /fixtures\/nope\/none.yaml: does not exist/);
  });

  it('reports invalid YAML with the file name', () => {
    assert.throws(() => renderTemplate('a: [1', {}, '/x/fixtures/bad.yaml'), /fixture \/x\/fixtures\/bad.yaml: is not valid YAML/);
  });
});
