// The secure gateway's certificates, made as §7.1-7.4 of the reference (the 2.9 serving guide,
// "Creating secure gateways for Knative Serving") makes them, with the OpenSSL command line:
//   1. a private directory under RHOAI_WORK_DIR (0700), one per apps domain;
//   2. openssl-san.config with subjectAltName = DNS:*.<apps domain>, the domain read from the cluster;
//   3. root.crt/root.key: `openssl req -x509 -sha256 -nodes -days 3650 -newkey rsa:2048 -subj "/O=<org>/CN=<cn>"`;
//   4. wildcard.crt/wildcard.key: `openssl req -x509 ... -extensions san -config openssl-san.config -CA root.crt -CAkey root.key`,
//      checked with `openssl verify -CAfile root.crt wildcard.crt`.
// Why the CLI and not node-forge: the checklist item is "with OpenSSL"; the harness runs the very
// commands a person following the docs runs (so the SAN config file is what signs the certificate,
// not a decoration), and OpenSSL, not a reimplementation, is the judge of the result.
//
// Idempotent: material in the directory that is still valid (right subject and SAN, chains, key
// matches, more than RENEW_BEFORE_DAYS left) is kept; a fresh work directory takes over the
// material of the cluster's Secret istio-system/wildcard-certs when that is valid (its tls.crt
// carries the wildcard certificate and the root), so that re-running the installer from another
// checkout neither rotates the gateway certificate nor changes the custom CA bundle. Private keys
// are files (0600) and registered with world.secret(); they are never attached or printed.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { REPORTS_DIR } from '../core/paths';
import { ensureWorkDir } from '../core/target/connect';
import type { RhoaiWorld } from '../core/world';
import { commonNameOf, readAppsDomain } from './apps-domain';
import { withDirectoryLock } from './lock';
import { checkOpenSsl, runOpenSsl, signedWithSanArgs, x509RequestArgs } from './openssl';
import {
  certificatesOf,
  daysLeft,
  describeCertificate,
  distinguishedName,
  isIssuedBy,
  isSelfSigned,
  keyMatchesCertificate,
  subjectAltNames,
} from './x509';

export const FILES = {
  sanConfig: 'openssl-san.config',
  rootCert: 'root.crt',
  rootKey: 'root.key',
  wildcardCert: 'wildcard.crt',
  wildcardKey: 'wildcard.key',
} as const;

/** Validity in days, as the docs' commands have them. */
export const ROOT_DAYS = 3650;
export const WILDCARD_DAYS = 3560;
/** Material with fewer days left than this is renewed instead of reused. */
export const RENEW_BEFORE_DAYS = 30;
/** The TLS Secret the docs create (§7.5), and from which a fresh work directory takes over. */
export const TLS_SECRET = { name: 'wildcard-certs', namespace: 'istio-system' } as const;

const LOCK_TIMEOUT_MS = 5 * 60_000;

export type Provenance = 'generated' | 'kept' | 'taken over from the cluster';

export interface GatewayFacts {
  domain: string;
  /** COMMON_NAME of the docs: the last two labels of the apps domain. */
  commonName: string;
  organization: string;
  dir: string;
  root?: Provenance;
  wildcard?: Provenance;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The secure gateway's certificate directory and what the scenario did with its material. */
    gateway?: GatewayFacts;
  }
}

/** What the gateway steps need of a World (tests pass a small stand-in). */
export type GatewayWorld = Pick<RhoaiWorld, 'settings' | 'cluster' | 'facts' | 'secret' | 'report'>;

export interface GatewayCertificates {
  dir: string;
  rootCertPem: string;
  rootCertFile: string;
  wildcardCertPem: string;
  domain: string;
}

// ---- 1. the directory ----

/** <RHOAI_WORK_DIR>/gateway-certs/<apps domain>: a cluster's material never mixes with another's. */
export function certificateDirectory(workDir: string, domain: string): string {
  return path.join(workDir, 'gateway-certs', domain);
}

async function gatewayFacts(world: GatewayWorld): Promise<GatewayFacts> {
  const known = world.facts.gateway;
  if (known) return known;
  const domain = await readAppsDomain(world);
  const facts: GatewayFacts = {
    domain,
    commonName: commonNameOf(domain),
    organization: world.settings.gatewayCertOrganization,
    dir: certificateDirectory(world.settings.workDir, domain),
  };
  world.facts.gateway = facts;
  return facts;
}

function insideReports(dir: string): boolean {
  const relative = path.relative(REPORTS_DIR, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** INS-GW-01: creates (or keeps) the private directory: mode 0700, never under reports/. */
export async function createCertificateDirectory(world: GatewayWorld): Promise<string> {
  const facts = await gatewayFacts(world);
  expect(
    !insideReports(facts.dir),
    `the certificate directory ${facts.dir} would be inside the reports (${REPORTS_DIR}), which are published: set RHOAI_WORK_DIR outside them`,
  ).to.equal(true);
  ensureWorkDir(world.settings.workDir);
  for (const dir of [path.dirname(facts.dir), facts.dir]) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
  return facts.dir;
}

/** Mode and owner of the directory: what `ls -ld` would show a person checking it. */
export async function assertPrivateDirectory(world: GatewayWorld): Promise<string> {
  const { dir } = await gatewayFacts(world);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  expectOk(stat && stat.isDirectory(), `${dir} is not a directory: create the certificate directory first`);
  const mode = stat.mode & 0o777;
  expect(mode, `${dir} has mode ${mode.toString(8)}, not 700: other users could read the private keys in it`).to.equal(0o700);
  if (typeof process.getuid === 'function')
    expect(stat.uid, `${dir} belongs to uid ${stat.uid}, not to this user (${process.getuid()})`).to.equal(process.getuid());
  expect(!insideReports(dir), `${dir} is inside the reports directory ${REPORTS_DIR}`).to.equal(true);
  world.report.text(
    'certificate directory',
    `${dir}: a directory of mode 700 owned by uid ${stat.uid}, outside the reports (${REPORTS_DIR})`,
  );
  return dir;
}

// ---- 2. the OpenSSL SAN configuration ----

/** The file of §7.2, byte for byte. */
export function sanConfigText(domain: string): string {
  return `[ req ]\ndistinguished_name = req\n[ san ]\nsubjectAltName = DNS:*.${domain}\n`;
}

/** The subjectAltName of the [ san ] section of an OpenSSL configuration text. */
export function sanOfConfig(text: string): string | undefined {
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) section = header[1]!;
    else if (section === 'san') {
      const entry = /^subjectAltName\s*=\s*(.+)$/.exec(line);
      if (entry) return entry[1]!.trim();
    }
  }
  return undefined;
}

function writeAtomically(file: string, content: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content, { mode });
  fs.chmodSync(temporary, mode);
  fs.renameSync(temporary, file);
}

/** INS-GW-02: writes openssl-san.config for the cluster's apps domain (unchanged when it already says so). */
export async function writeSanConfig(world: GatewayWorld): Promise<string> {
  const facts = await gatewayFacts(world);
  const dir = await createCertificateDirectory(world);
  const file = path.join(dir, FILES.sanConfig);
  const text = sanConfigText(facts.domain);
  await withDirectoryLock(dir, LOCK_TIMEOUT_MS, async () => {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
    if (current !== text) writeAtomically(file, text, 0o644);
    world.report.text(FILES.sanConfig, `${current === text ? 'kept' : 'wrote'} ${file}:\n${text}`);
  });
  return file;
}

export async function assertSanConfig(world: GatewayWorld): Promise<void> {
  const facts = await gatewayFacts(world);
  const file = path.join(facts.dir, FILES.sanConfig);
  expect(fs.existsSync(file), `${file} does not exist: write the OpenSSL configuration first`).to.equal(true);
  const san = sanOfConfig(fs.readFileSync(file, 'utf8'));
  expect(
    san,
    `${file}: [ san ] subjectAltName is ${san ?? 'missing'}, not DNS:*.${facts.domain} (the apps domain the cluster reports)`,
  ).to.equal(`DNS:*.${facts.domain}`);
}

// ---- 3 and 4. the root and the wildcard certificate ----

interface Material {
  cert?: X509Certificate;
  certPem?: string;
  keyPem?: string;
  /** Why the material cannot be used, when it cannot. */
  problem?: string;
}

function readMaterial(dir: string, certFile: string, keyFile: string): Material {
  const certPath = path.join(dir, certFile);
  const keyPath = path.join(dir, keyFile);
  if (!fs.existsSync(certPath)) return { problem: `${certFile} does not exist` };
  const certPem = fs.readFileSync(certPath, 'utf8');
  let cert: X509Certificate | undefined;
  try {
    [cert] = certificatesOf(certPem);
  } catch (error) {
    return { problem: `${certFile} is not a PEM certificate (${(error as Error).message})` };
  }
  if (!cert) return { problem: `${certFile} holds no certificate` };
  const keyPem = fs.existsSync(keyPath) ? fs.readFileSync(keyPath, 'utf8') : undefined;
  return { cert, certPem, keyPem };
}

function expectedSubject(facts: GatewayFacts, order: 'root' | 'wildcard'): string {
  // The docs' -subj: "/O=<org>/CN=<cn>" for the root, "/CN=<cn>/O=<org>" for the wildcard.
  return order === 'root' ? `O=${facts.organization}\nCN=${facts.commonName}` : `CN=${facts.commonName}\nO=${facts.organization}`;
}

function rootProblem(root: X509Certificate, facts: GatewayFacts): string | undefined {
  if (root.subject !== expectedSubject(facts, 'root'))
    return `its subject is "${distinguishedName(root.subject)}", not "O=${facts.organization}, CN=${facts.commonName}"`;
  if (!isSelfSigned(root)) return 'it is not self-signed';
  if (!root.ca) return 'it is not a CA certificate (basicConstraints CA:TRUE missing)';
  if (daysLeft(root) < RENEW_BEFORE_DAYS) return `it expires on ${root.validTo}, in less than ${RENEW_BEFORE_DAYS} days`;
  return undefined;
}

function wildcardProblem(cert: X509Certificate, root: X509Certificate, facts: GatewayFacts): string | undefined {
  const wanted = `DNS:*.${facts.domain}`;
  const sans = subjectAltNames(cert);
  if (!sans.includes(wanted)) return `its SANs are ${sans.join(', ') || 'none'}, not ${wanted}`;
  if (!isIssuedBy(cert, root))
    return `it is not signed by the root certificate "${distinguishedName(root.subject)}" (issuer "${distinguishedName(cert.issuer)}")`;
  if (daysLeft(cert) < RENEW_BEFORE_DAYS) return `it expires on ${cert.validTo}, in less than ${RENEW_BEFORE_DAYS} days`;
  return undefined;
}

function inspectRoot(facts: GatewayFacts): Material {
  const m = readMaterial(facts.dir, FILES.rootCert, FILES.rootKey);
  if (m.problem) return m;
  const problem =
    rootProblem(m.cert!, facts) ??
    (m.keyPem !== undefined && !keyMatchesCertificate(m.keyPem, m.cert!)
      ? `${FILES.rootKey} is not the key of ${FILES.rootCert}`
      : undefined);
  return { ...m, problem: problem && `${FILES.rootCert}: ${problem}` };
}

function inspectWildcard(facts: GatewayFacts, root: X509Certificate): Material {
  const m = readMaterial(facts.dir, FILES.wildcardCert, FILES.wildcardKey);
  if (m.problem) return m;
  if (m.keyPem === undefined) return { ...m, problem: `${FILES.wildcardKey} does not exist` };
  const problem =
    wildcardProblem(m.cert!, root, facts) ??
    (!keyMatchesCertificate(m.keyPem, m.cert!) ? `${FILES.wildcardKey} is not the key of ${FILES.wildcardCert}` : undefined);
  return { ...m, problem: problem && `${FILES.wildcardCert}: ${problem}` };
}

/** Generates with the docs' command into temporary files, then moves them into place. */
async function generate(
  world: GatewayWorld,
  facts: GatewayFacts,
  args: (out: { key: string; cert: string }) => string[],
  files: { key: string; cert: string },
): Promise<void> {
  await checkOpenSsl(world.settings.openssl);
  const out = { key: `${files.key}.${process.pid}.new`, cert: `${files.cert}.${process.pid}.new` };
  try {
    await runOpenSsl(world.settings.openssl, args(out), facts.dir);
    fs.chmodSync(path.join(facts.dir, out.key), 0o600);
    fs.renameSync(path.join(facts.dir, out.key), path.join(facts.dir, files.key));
    fs.renameSync(path.join(facts.dir, out.cert), path.join(facts.dir, files.cert));
  } finally {
    for (const f of Object.values(out)) fs.rmSync(path.join(facts.dir, f), { force: true });
  }
}

function generateRoot(world: GatewayWorld, facts: GatewayFacts): Promise<void> {
  return generate(
    world,
    facts,
    (out) => [...x509RequestArgs(ROOT_DAYS, `/O=${facts.organization}/CN=${facts.commonName}`), '-keyout', out.key, '-out', out.cert],
    { key: FILES.rootKey, cert: FILES.rootCert },
  );
}

function generateWildcard(world: GatewayWorld, facts: GatewayFacts): Promise<void> {
  return generate(
    world,
    facts,
    (out) => [
      ...x509RequestArgs(WILDCARD_DAYS, `/CN=${facts.commonName}/O=${facts.organization}`),
      ...signedWithSanArgs(FILES.sanConfig, { cert: FILES.rootCert, key: FILES.rootKey }, out),
    ],
    { key: FILES.wildcardKey, cert: FILES.wildcardCert },
  );
}

/** `openssl verify -CAfile root.crt wildcard.crt`, which must answer "wildcard.crt: OK". */
export async function opensslVerify(world: GatewayWorld): Promise<string> {
  const facts = await gatewayFacts(world);
  await checkOpenSsl(world.settings.openssl);
  let answer: string;
  try {
    answer = (await runOpenSsl(world.settings.openssl, ['verify', '-CAfile', FILES.rootCert, FILES.wildcardCert], facts.dir)).stdout.trim();
  } catch (error) {
    expect.fail(
      `openssl verify -CAfile ${FILES.rootCert} ${FILES.wildcardCert} (in ${facts.dir}) did not verify the wildcard certificate against the root: ${(error as Error).message}`,
    );
  }
  expect(
    answer,
    `openssl verify -CAfile ${FILES.rootCert} ${FILES.wildcardCert} answered "${answer}", not "${FILES.wildcardCert}: OK"`,
  ).to.equal(`${FILES.wildcardCert}: OK`);
  return answer;
}

/**
 * A fresh directory takes over the cluster's material when the Secret istio-system/wildcard-certs
 * holds a valid wildcard certificate for this domain, its key, and the root that signed it.
 */
async function takeOverFromCluster(world: GatewayWorld, facts: GatewayFacts): Promise<string | undefined> {
  let secret;
  try {
    secret = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', ...TLS_SECRET });
  } catch (error) {
    return `could not read Secret ${TLS_SECRET.namespace}/${TLS_SECRET.name}: ${(error as Error).message}`;
  }
  if (!secret) return undefined;
  const decode = (key: string) => Buffer.from(String(secret.data?.[key] ?? ''), 'base64').toString('utf8');
  const keyPem = decode('tls.key');
  if (keyPem) world.secret(keyPem, 'gateway wildcard key');
  let chain: X509Certificate[];
  try {
    chain = certificatesOf(decode('tls.crt'));
  } catch {
    return `Secret ${TLS_SECRET.namespace}/${TLS_SECRET.name} holds no readable tls.crt`;
  }
  const [leaf, root] = [chain[0], chain[chain.length - 1]];
  if (!leaf || !root || chain.length < 2)
    return `Secret ${TLS_SECRET.namespace}/${TLS_SECRET.name} has no root certificate after the wildcard certificate in tls.crt`;
  const problem =
    rootProblem(root, facts) ??
    wildcardProblem(leaf, root, facts) ??
    (!keyMatchesCertificate(keyPem, leaf) ? 'tls.key is not the key of tls.crt' : undefined);
  if (problem) return `Secret ${TLS_SECRET.namespace}/${TLS_SECRET.name} cannot be reused: ${problem}`;
  writeAtomically(path.join(facts.dir, FILES.rootCert), root.toString(), 0o644);
  writeAtomically(path.join(facts.dir, FILES.wildcardKey), keyPem, 0o600);
  writeAtomically(path.join(facts.dir, FILES.wildcardCert), leaf.toString(), 0o644);
  facts.wildcard = 'taken over from the cluster';
  return 'taken over';
}

/** INS-GW-03: the root certificate, generated unless a valid one is there (or on the cluster). */
export async function ensureRootCertificate(world: GatewayWorld): Promise<X509Certificate> {
  const facts = await gatewayFacts(world);
  await writeSanConfig(world);
  return withDirectoryLock(facts.dir, LOCK_TIMEOUT_MS, () => ensureRootLocked(world, facts));
}

async function ensureRootLocked(world: GatewayWorld, facts: GatewayFacts): Promise<X509Certificate> {
  const found = inspectRoot(facts);
  if (!found.problem) {
    facts.root = 'kept';
  } else {
    const fresh = !fs.existsSync(path.join(facts.dir, FILES.rootCert)) && !fs.existsSync(path.join(facts.dir, FILES.wildcardCert));
    const takeover = fresh ? await takeOverFromCluster(world, facts) : undefined;
    if (takeover === 'taken over') {
      facts.root = 'taken over from the cluster';
    } else {
      world.report.text('root certificate', `generating a new root certificate: ${found.problem}${takeover ? `; ${takeover}` : ''}`);
      await generateRoot(world, facts);
      facts.root = 'generated';
    }
  }
  const root = inspectRoot(facts);
  expect(!root.problem, `the root certificate in ${facts.dir} is not usable: ${root.problem}`).to.equal(true);
  if (root.keyPem) world.secret(root.keyPem, 'gateway root key');
  world.report.text('root certificate', `${facts.root} ${path.join(facts.dir, FILES.rootCert)}: ${describeCertificate(root.cert!)}`);
  return root.cert!;
}

/** INS-GW-04: the wildcard certificate for *.<apps domain>, signed by the root; kept while valid. */
export async function ensureWildcardCertificate(world: GatewayWorld): Promise<X509Certificate> {
  const facts = await gatewayFacts(world);
  await ensureRootCertificate(world);
  return withDirectoryLock(facts.dir, LOCK_TIMEOUT_MS, async () => {
    let root = inspectRoot(facts);
    expect(!root.problem, `the root certificate in ${facts.dir} is not usable: ${root.problem}`).to.equal(true);
    const found = inspectWildcard(facts, root.cert!);
    if (!found.problem) {
      facts.wildcard ??= 'kept';
    } else {
      if (root.keyPem === undefined) {
        // The root was taken over from the cluster: its key is not here to sign a new certificate.
        world.report.text(
          'root certificate',
          `${found.problem}, and ${FILES.rootKey} is not in ${facts.dir} to sign a new one: generating a new root as well`,
        );
        await generateRoot(world, facts);
        facts.root = 'generated';
        root = inspectRoot(facts);
        expect(!root.problem, `the root certificate OpenSSL generated is not usable: ${root.problem}`).to.equal(true);
        world.secret(root.keyPem!, 'gateway root key');
      }
      world.report.text('wildcard certificate', `generating a new wildcard certificate: ${found.problem}`);
      await generateWildcard(world, facts);
      facts.wildcard = 'generated';
    }
    const wildcard = inspectWildcard(facts, root.cert!);
    expect(!wildcard.problem, `the wildcard certificate in ${facts.dir} is not usable: ${wildcard.problem}`).to.equal(true);
    world.secret(wildcard.keyPem!, 'gateway wildcard key');
    world.report.text(
      'wildcard certificate',
      `${facts.wildcard} ${path.join(facts.dir, FILES.wildcardCert)}: ${describeCertificate(wildcard.cert!)}`,
    );
    return wildcard.cert!;
  });
}

// ---- checks a person makes ----

/** The key file exists (unless the material was taken over from the cluster) and is private. */
export async function assertKeyPrivate(world: GatewayWorld, which: 'root' | 'wildcard'): Promise<void> {
  const facts = await gatewayFacts(world);
  const file = path.join(facts.dir, which === 'root' ? FILES.rootKey : FILES.wildcardKey);
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat && which === 'root' && facts.root === 'taken over from the cluster') {
    world.report.text(
      'root key',
      `${file} is not on this machine: the root certificate was taken over from the cluster's Secret ${TLS_SECRET.namespace}/${TLS_SECRET.name}, which carries the certificate and never the root's key`,
    );
    return;
  }
  expectOk(stat && stat.isFile(), `${file} does not exist: generate the ${which} certificate first`);
  const mode = stat.mode & 0o777;
  expect(mode, `${file} has mode ${mode.toString(8)}, not 600: the private key is readable by others`).to.equal(0o600);
  if (typeof process.getuid === 'function')
    expect(stat.uid, `${file} belongs to uid ${stat.uid}, not to this user`).to.equal(process.getuid());
  expect(!insideReports(file), `${file} is inside the reports directory ${REPORTS_DIR}`).to.equal(true);
  world.report.text(`${which} key`, `${file}: mode 600, owned by uid ${stat.uid}, outside the reports`);
}

/** The root is a self-signed CA for "O=<org>, CN=<last two labels of the apps domain>", valid for years. */
export async function assertRootCertificate(world: GatewayWorld): Promise<void> {
  const facts = await gatewayFacts(world);
  const root = readMaterial(facts.dir, FILES.rootCert, FILES.rootKey);
  expect(!root.problem, `${facts.dir}: ${root.problem}`).to.equal(true);
  const problem = rootProblem(root.cert!, facts);
  expect(
    !problem,
    `${path.join(facts.dir, FILES.rootCert)} is not the root certificate the docs make: ${problem} (${describeCertificate(root.cert!)})`,
  ).to.equal(true);
  if (root.keyPem !== undefined)
    expect(keyMatchesCertificate(root.keyPem, root.cert!), `${FILES.rootKey} is not the key of ${FILES.rootCert}`).to.equal(true);
}

/** The wildcard certificate names DNS:*.<apps domain> and is issued by the root. */
export async function assertWildcardCertificate(world: GatewayWorld): Promise<void> {
  const facts = await gatewayFacts(world);
  const root = readMaterial(facts.dir, FILES.rootCert, FILES.rootKey);
  expect(!root.problem, `${facts.dir}: ${root.problem}`).to.equal(true);
  const wildcard = inspectWildcard(facts, root.cert!);
  expect(!wildcard.problem, `${facts.dir}: ${wildcard.problem}${wildcard.cert ? ` (${describeCertificate(wildcard.cert)})` : ''}`).to.equal(
    true,
  );
}

/** The material in PEM, after making sure it exists and is valid. */
export async function wildcardMaterial(
  world: GatewayWorld,
): Promise<{ certPem: string; keyPem: string; rootPem: string; facts: GatewayFacts }> {
  await ensureWildcardCertificate(world);
  const facts = await gatewayFacts(world);
  const read = (file: string) => fs.readFileSync(path.join(facts.dir, file), 'utf8');
  const keyPem = world.secret(read(FILES.wildcardKey), 'gateway wildcard key');
  return { certPem: read(FILES.wildcardCert), keyPem, rootPem: read(FILES.rootCert), facts };
}

/**
 * The gateway's certificates for the current apps domain, generated once under RHOAI_WORK_DIR and
 * reused while valid: the whole of INS-GW-01..04 in one call, for other domains (the CA bundle uses
 * the root as the DSCI custom CA). Idempotent and safe to call from parallel workers.
 */
export async function gatewayCertificates(
  world: RhoaiWorld,
): Promise<{ dir: string; rootCertPem: string; rootCertFile: string; wildcardCertPem: string; domain: string }> {
  const { certPem, rootPem, facts } = await wildcardMaterial(world);
  return {
    dir: facts.dir,
    rootCertPem: rootPem,
    rootCertFile: path.join(facts.dir, FILES.rootCert),
    wildcardCertPem: certPem,
    domain: facts.domain,
  };
}
