// Reading certificates as a person reads `openssl x509 -text`: subject, issuer, subject alternative
// names, validity, CA flag, which key goes with which certificate. Only public material is
// described; a private key is only ever compared (through its public half), never shown.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, in order (a chain: leaf first). */
export function certificatesOf(pem: string): X509Certificate[] {
  return (pem.match(PEM_CERT) ?? []).map((block) => new X509Certificate(block));
}

/** "O=Example Inc., CN=example.com" from node's multi-line subject text. */
export function distinguishedName(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .join(', ');
}

/** The SAN entries as OpenSSL prints them: "DNS:*.apps.example.com". */
export function subjectAltNames(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function describeCertificate(cert: X509Certificate): string {
  const sans = subjectAltNames(cert);
  return `subject "${distinguishedName(cert.subject)}", issuer "${distinguishedName(cert.issuer)}", ${sans.length ? `SANs ${sans.join(', ')}` : 'no subject alternative names'}, valid ${cert.validFrom} to ${cert.validTo}, SHA-256 fingerprint ${cert.fingerprint256}`;
}

/** Days until the certificate expires (negative once it has). */
export function daysLeft(cert: X509Certificate, now = Date.now()): number {
  return (Date.parse(cert.validTo) - now) / 86_400_000;
}

/** Whether the private key (PEM) is the one the certificate's public key belongs to. */
export function keyMatchesCertificate(keyPem: string, cert: X509Certificate): boolean {
  try {
    const publicOfKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
    const publicOfCert = cert.publicKey.export({ type: 'spki', format: 'der' });
    return Buffer.compare(publicOfKey, publicOfCert) === 0;
  } catch {
    return false;
  }
}

/** A self-signed certificate: its issuer is its subject and its own key verifies its signature. */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer && cert.verify(cert.publicKey);
}

/** `cert` was issued by `issuer`: names chain and the issuer's key verifies the signature. */
export function isIssuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.issuer === issuer.subject && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}
