// AWS Signature Version 4 as an S3 server checks it (header and presigned-query forms, and the
// signed aws-chunked payloads of STREAMING-AWS4-HMAC-SHA256-PAYLOAD), with the errors S3 and MinIO
// answer: InvalidAccessKeyId, SignatureDoesNotMatch, AuthorizationHeaderMalformed, RequestTimeTooSkewed,
// AccessDenied (expired presigned URL or no credentials at all).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors';

export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const MAX_SKEW_MS = 15 * 60_000;

export interface Credentials {
  accessKey: string;
  secretKey: string;
}

export interface VerifiedRequest {
  accessKey: string;
  /** The x-amz-content-sha256 value (a hex hash, UNSIGNED-PAYLOAD or a STREAMING-* mode). */
  payloadHash: string;
  /** For signed streaming payloads: what each chunk signature chains from. */
  seedSignature: string;
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

export interface RequestLike {
  method: string;
  /** The raw request target: path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
}

const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();
export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept; `/` kept in paths only). */
export function uriEncode(s: string, keepSlash: boolean): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch) || (keepSlash && ch === '/')) out += ch;
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function canonicalQuery(query: string, without?: string): string {
  const pairs = query
    .split('&')
    .filter((p) => p.length)
    .map((p) => {
      const eq = p.indexOf('=');
      const k = safeDecode((eq < 0 ? p : p.slice(0, eq)).replace(/\+/g, '%20'));
      const v = eq < 0 ? '' : safeDecode(p.slice(eq + 1).replace(/\+/g, '%20'));
      return [uriEncode(k, false), uriEncode(v, false), k] as const;
    })
    .filter(([, , k]) => k !== without)
    .map(([k, v]) => [k, v] as const);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v.join(',') : String(v)).trim().replace(/\s+/g, ' ');
}

function canonicalRequest(req: RequestLike, signedHeaders: string[], payloadHash: string, dropQuery?: string): string {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  // S3 signs the path as the client encoded it once: decode and encode again the AWS way, as MinIO does.
  const canonicalPath = uriEncode(safeDecode(rawPath), true) || '/';
  const headers = signedHeaders.map((h) => `${h}:${headerValue(req.headers, h) ?? ''}\n`).join('');
  return [req.method, canonicalPath, canonicalQuery(query, dropQuery), headers, signedHeaders.join(';'), payloadHash].join('\n');
}

function parseAmzDate(value: string | undefined): Date | undefined {
  const m = value && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function equalHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface Scope {
  accessKey: string;
  date: string;
  region: string;
  service: string;
}

function parseCredential(credential: string, malformed: () => S3Error): Scope {
  const parts = credential.split('/');
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') throw malformed();
  const [service, region, date] = [parts[parts.length - 2], parts[parts.length - 3], parts[parts.length - 4]];
  return { accessKey: parts.slice(0, parts.length - 4).join('/'), date, region, service };
}

/**
 * Verifies the request's signature with the server's credentials and region; throws the S3 error
 * a real server answers. Returns what payload checks need.
 */
export function verifyRequest(req: RequestLike, creds: Credentials, region: string, now = new Date()): VerifiedRequest {
  const auth = req.headers.authorization;
  const url = new URL(req.url, 'http://s3');
  if (auth) return verifyHeader(req, String(auth), creds, region, now);
  if (url.searchParams.get('X-Amz-Algorithm')) return verifyPresigned(req, url, creds, region, now);
  if (url.searchParams.get('Signature') || String(auth ?? '').startsWith('AWS ')) {
    throw new S3Error(
      400,
      'SignatureVersionNotSupported',
      'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
    );
  }
  throw new S3Error(403, 'AccessDenied', 'Access Denied.');
}

function checkScope(scope: Scope, creds: Credentials, region: string, amzDate: string, now: Date, malformed: (m: string) => S3Error): void {
  if (scope.accessKey !== creds.accessKey)
    throw new S3Error(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.');
  if (scope.service !== 's3')
    throw malformed(`The authorization header is malformed; incorrect service "${scope.service}". This endpoint belongs to "s3".`);
  if (scope.region !== region) throw malformed(`The authorization header is malformed; the region is wrong; expecting '${region}'.`);
  const when = parseAmzDate(amzDate);
  if (!when) throw new S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (amzDate.slice(0, 8) !== scope.date)
    throw malformed(
      `The authorization header is malformed; Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
    );
  if (Math.abs(now.getTime() - when.getTime()) > MAX_SKEW_MS) {
    throw new S3Error(403, 'RequestTimeTooSkewed', "The difference between the request time and the server's time is too large.");
  }
}

function verifyHeader(req: RequestLike, auth: string, creds: Credentials, region: string, now: Date): VerifiedRequest {
  const malformed = (
    m = 'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
  ) => new S3Error(400, 'AuthorizationHeaderMalformed', m);
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
    if (auth.startsWith('AWS '))
      throw new S3Error(
        400,
        'SignatureVersionNotSupported',
        'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
      );
    throw malformed();
  }
  const fields = Object.fromEntries(
    auth
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((f) => f.trim().split('=') as [string, string])
      .filter((kv) => kv.length === 2),
  );
  if (!fields.Credential || !fields.SignedHeaders || !fields.Signature) throw malformed();
  const scope = parseCredential(fields.Credential, () => malformed());
  const amzDate = headerValue(req.headers, 'x-amz-date') ?? '';
  checkScope(scope, creds, region, amzDate, now, malformed);
  const signedHeaders = fields.SignedHeaders.split(';');
  if (!signedHeaders.includes('host'))
    throw new S3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed: host');
  const payloadHash = headerValue(req.headers, 'x-amz-content-sha256') ?? EMPTY_SHA256;
  const key = signingKey(creds.secretKey, scope.date, scope.region, scope.service);
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scopeText, sha256Hex(canonicalRequest(req, signedHeaders, payloadHash))].join('\n');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!equalHex(expected, fields.Signature)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return { accessKey: scope.accessKey, payloadHash, seedSignature: fields.Signature, signingKey: key, amzDate, scope: scopeText };
}

function verifyPresigned(req: RequestLike, url: URL, creds: Credentials, region: string, now: Date): VerifiedRequest {
  const q = url.searchParams;
  const malformed = (
    m = 'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
  ) => new S3Error(400, 'AuthorizationQueryParametersError', m);
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') throw malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  const credential = q.get('X-Amz-Credential');
  const amzDate = q.get('X-Amz-Date') ?? '';
  const expires = Number(q.get('X-Amz-Expires'));
  const signedHeaders = (q.get('X-Amz-SignedHeaders') ?? '').split(';');
  const signature = q.get('X-Amz-Signature');
  if (!credential || !signature || !Number.isFinite(expires)) throw malformed();
  const scope = parseCredential(credential, () => malformed());
  if (scope.accessKey !== creds.accessKey)
    throw new S3Error(403, 'InvalidAccessKeyId', 'The Access Key Id you provided does not exist in our records.');
  if (scope.region !== region)
    throw malformed(`Error parsing the X-Amz-Credential parameter; the region '${scope.region}' is wrong; expecting '${region}'`);
  const when = parseAmzDate(amzDate);
  if (!when) throw malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (now.getTime() > when.getTime() + expires * 1000) throw new S3Error(403, 'AccessDenied', 'Request has expired');
  if (when.getTime() - now.getTime() > MAX_SKEW_MS) throw new S3Error(403, 'AccessDenied', 'Request is not valid yet');
  const key = signingKey(creds.secretKey, scope.date, scope.region, scope.service);
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/aws4_request`;
  const payloadHash = q.get('X-Amz-Content-Sha256') ?? headerValue(req.headers, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scopeText,
    sha256Hex(canonicalRequest(req, signedHeaders, payloadHash, 'X-Amz-Signature')),
  ].join('\n');
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!equalHex(expected, signature)) {
    throw new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return { accessKey: scope.accessKey, payloadHash, seedSignature: signature, signingKey: key, amzDate, scope: scopeText };
}

/**
 * Decodes an aws-chunked body (`hex-size[;chunk-signature=...]\r\n data \r\n ... 0\r\n trailers \r\n`),
 * checking each chunk signature of a signed stream; returns the data and the trailing headers.
 */
export function decodeAwsChunked(body: Buffer, v: VerifiedRequest): { data: Buffer; trailers: Record<string, string> } {
  const signed = v.payloadHash === STREAMING_SIGNED || v.payloadHash === STREAMING_SIGNED_TRAILER;
  const parts: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let previous = v.seedSignature;
  let pos = 0;
  const incomplete = () =>
    new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw incomplete();
    const header = body.subarray(pos, eol).toString('latin1');
    const [sizeHex, ...ext] = header.split(';');
    const size = parseInt(sizeHex, 16);
    if (!Number.isFinite(size) || size < 0) throw incomplete();
    const start = eol + 2;
    const chunk = body.subarray(start, start + size);
    if (chunk.length < size) throw incomplete();
    if (signed) {
      const sig = ext.map((e) => e.split('=')).find(([k]) => k === 'chunk-signature')?.[1];
      const stringToSign = ['AWS4-HMAC-SHA256-PAYLOAD', v.amzDate, v.scope, previous, EMPTY_SHA256, sha256Hex(chunk)].join('\n');
      const expected = createHmac('sha256', v.signingKey).update(stringToSign).digest('hex');
      if (!sig || !equalHex(expected, sig)) {
        throw new S3Error(
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        );
      }
      previous = sig;
    }
    if (size === 0) {
      // Trailing headers (name:value lines) up to an empty line; a signed trailer's own signature is not checked.
      const rest = body.subarray(start).toString('latin1');
      for (const line of rest.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      break;
    }
    parts.push(chunk);
    pos = start + size;
    if (body.subarray(pos, pos + 2).toString('latin1') !== '\r\n') throw incomplete();
    pos += 2;
  }
  return { data: Buffer.concat(parts), trailers };
}
