// Certificates of the twin: its own CA, the API server's serving certificate and the default
// ingress (router) certificate for *.apps.<domain>. Keys come from node:crypto; node-forge builds
// the certificate and node:crypto signs it (forge's own RSA, in JavaScript big integers, cost about
// a third of a CPU-second a certificate: a twin signs several at start and one per Service).
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

type KeyMaterial = { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string };

// A 2048-bit RSA key costs ~0.2 s of CPU, and a process may start many twins (the integration
// tests do) or sign many certificates (one per Service for the service CA). Certificates given the
// same `keyGroup` share one key within the process; without a group, each gets a key of its own.
// A grouped key is also kept on disk for the twins started after it on this machine
// (RHOAI_TWIN_KEY_DIR, default <tmp>/rhoai-twin-keys-<uid>, 0700; `off` keeps keys in memory only):
// the keys are the twin's own test PKI, worth nothing outside it, and the fault catalogue starts a
// hundred twins. A twin restored from a snapshot gets the snapshot's keys (preloadKeys), so the
// certificates it signs verify against the CA bundles the snapshot holds.
const keysByGroup = new Map<string, KeyMaterial>();

function keyDir(): string | undefined {
  const dir = process.env.RHOAI_TWIN_KEY_DIR;
  if (dir === 'off') return undefined;
  return dir || join(tmpdir(), `rhoai-twin-keys-${process.getuid?.() ?? 'user'}`);
}

function newKey(group: string | undefined): KeyMaterial {
  if (!group) return generateKey();
  let key = keysByGroup.get(group);
  if (!key) keysByGroup.set(group, (key = cachedKey(group)));
  return key;
}

function cachedKey(group: string): KeyMaterial {
  const dir = keyDir();
  const file = dir && join(dir, `${group.replace(/[^a-z0-9-]/gi, '_')}.pem`);
  if (file) {
    try {
      return keyFromPem(readFileSync(file, 'utf8'));
    } catch {
      // not cached yet (or unreadable): generate it below
    }
  }
  const key = generateKey();
  if (dir && file) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, key.keyPem, { mode: 0o600 });
      renameSync(partial, file); // atomic: a twin starting alongside reads a whole key or none
    } catch {
      // a cache that cannot be written only costs the next twin a key generation
    }
  }
  return key;
}

/** The grouped keys of this process, by group (what a snapshot keeps). */
export function groupedKeys(): Record<string, string> {
  return Object.fromEntries([...keysByGroup].map(([group, key]) => [group, key.keyPem]));
}

/** Uses these keys for their groups from now on (a twin restored from a snapshot). */
export function preloadKeys(keys: Record<string, string>): void {
  for (const [group, pem] of Object.entries(keys)) keysByGroup.set(group, keyFromPem(pem));
}

function generateKey(): KeyMaterial {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}

function keyFromPem(keyPem: string): KeyMaterial {
  const fkey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: fkey, publicKey: forge.pki.setRsaPublicKey(fkey.n, fkey.e), keyPem };
}

const nativeKeys = new WeakMap<forge.pki.PrivateKey, KeyObject>();

/** Signs the certificate with SHA-256 and RSA (PKCS #1 v1.5), as forge's cert.sign would, in native code. */
function signCertificate(cert: forge.pki.Certificate, key: forge.pki.PrivateKey): void {
  let native = nativeKeys.get(key);
  if (!native) nativeKeys.set(key, (native = createPrivateKey(forge.pki.privateKeyToPem(key))));
  const signer = native;
  // forge's cert.sign sets the signature algorithm and the TBSCertificate, then asks the key to sign
  // the digest: this key signs the TBSCertificate's DER itself.
  const nativeSigner = {
    sign: () => {
      const tbs = forge.asn1.toDer((cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate).getBytes();
      return sign('sha256', Buffer.from(tbs, 'binary'), signer).toString('binary');
    },
  };
  cert.sign(nativeSigner as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
}

function baseCert(publicKey: forge.pki.PublicKey, cn: string, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  // UTF8String, as Go's crypto/x509 writes names: '*' and '@' are not PrintableString characters
  // (node-forge's default), and BoringSSL (Chromium) refuses such a certificate as badly formed.
  cert.setSubject([{ name: 'commonName', value: cn, valueTagClass: forge.asn1.Type.UTF8 } as unknown as forge.pki.CertificateField]);
  return cert;
}

/** A self-signed CA; CAs of one `keyGroup` share a key (see newKey). */
export function createCa(cn: string, keyGroup?: string): KeyPair & { cert: forge.pki.Certificate; key: forge.pki.PrivateKey } {
  const { publicKey, privateKey, keyPem } = newKey(keyGroup && `ca:${keyGroup}`);
  const cert = baseCert(publicKey, cn, 3650);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signCertificate(cert, privateKey);
  return { cert, key: privateKey, certPem: forge.pki.certificateToPem(cert), keyPem };
}

/**
 * A serving certificate signed by the CA for the given DNS names and IP addresses. Certificates of
 * one `keyGroup` share a key (see newKey).
 */
export function createServingCert(
  ca: { cert: forge.pki.Certificate; key: forge.pki.PrivateKey },
  cn: string,
  dnsNames: string[],
  ips: string[] = [],
  keyGroup?: string,
): KeyPair {
  const { publicKey, keyPem } = newKey(keyGroup && `serving:${keyGroup}`);
  const cert = baseCert(publicKey, cn, 825);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  signCertificate(cert, ca.key);
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}
