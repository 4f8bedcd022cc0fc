// MinIO's S3 API (path-style requests), signed with AWS Signature V4 and the server's root
// credentials: buckets (create, list, head, delete, location, versioning), objects (put, get with
// ranges and conditions, head, delete, copy, multi-delete), ListObjects v1 and v2 with prefix,
// delimiter, pagination and url encoding, and multipart uploads. Errors are S3's XML errors with
// their real codes, so a client fails here exactly as against MinIO.
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as zlib from 'node:zlib';
import { errorXml, S3Error, xmlEscape, xmlUnescape } from './errors';
import { compare, type ObjectInfo, type ObjectStore, type PutOptions } from './object-store';
import {
  decodeAwsChunked,
  sha256Hex,
  STREAMING_SIGNED,
  STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER,
  UNSIGNED_PAYLOAD,
  verifyRequest,
  type Credentials,
} from './sigv4';
import { readBody } from '../../request-body';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const MAX_BODY = 1024 * 1024 * 1024;
const OWNER_ID = '02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4';

export interface S3ServerOptions {
  store: ObjectStore;
  credentials: Credentials;
  region: string;
  /** Called for every request (method, path, status), e.g. for a trace log. */
  onRequest?: (method: string, path: string, status: number) => void;
}

interface S3Request {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  trailers: Record<string, string>;
}

export function s3Handler(o: S3ServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.setHeader('Server', 'MinIO');
    res.setHeader('X-Amz-Request-Id', requestId);
    res.setHeader('X-Amz-Id-2', 'dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Vary', 'Origin, Accept-Encoding');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const rawPath = (req.url ?? '/').split('?')[0];
    const finish = (status: number) => o.onRequest?.(req.method ?? 'GET', rawPath, status);
    serve(o, req, res)
      .then(() => finish(res.statusCode))
      .catch((err: unknown) => {
        const e =
          err instanceof S3Error
            ? err
            : new S3Error(500, 'InternalError', `We encountered an internal error, please try again.: cause(${(err as Error).message})`);
        if (!res.headersSent) {
          const body = req.method === 'HEAD' ? '' : errorXml(e, safeDecode(rawPath), requestId);
          res.writeHead(e.status, {
            'Content-Type': 'application/xml',
            'Content-Length': Buffer.byteLength(body),
            'X-Minio-Error-Code': e.code,
            'X-Minio-Error-Desc': JSON.stringify(e.message),
          });
          res.end(body);
        } else res.destroy();
        finish(e.status);
      });
  };
}

async function serve(o: S3ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://s3');
  const rawPath = (req.url ?? '/').split('?')[0];
  if (/^\/minio\/health\/(live|ready|cluster)$/.test(rawPath)) {
    res.writeHead(200, { 'Content-Length': 0 });
    return void res.end();
  }
  const raw = await readBody(
    req,
    MAX_BODY,
    () => new S3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.'),
  );
  const verified = verifyRequest({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, o.credentials, o.region);
  let body = raw;
  let trailers: Record<string, string> = {};
  const mode = verified.payloadHash;
  if (mode === STREAMING_SIGNED || mode === STREAMING_SIGNED_TRAILER || mode === STREAMING_UNSIGNED_TRAILER) {
    ({ data: body, trailers } = decodeAwsChunked(raw, verified));
    const declared = req.headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== body.length)
      throw new S3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
  } else if (mode !== UNSIGNED_PAYLOAD) {
    if (!/^[0-9a-f]{64}$/.test(mode))
      throw new S3Error(400, 'InvalidArgument', "The provided 'x-amz-content-sha256' header is not a valid hash or payload mode.");
    if (sha256Hex(raw) !== mode)
      throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const md5 = req.headers['content-md5'];
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5) {
    throw new S3Error(400, 'BadDigest', 'The Content-Md5 you specified did not match what we received.');
  }
  const segments = rawPath.split('/');
  const bucket = segments[1] ? safeDecode(segments[1]) : undefined;
  const key = segments.length > 2 ? safeDecode(segments.slice(2).join('/')) : undefined;
  const r: S3Request = {
    method: req.method ?? 'GET',
    bucket,
    key: key === '' ? undefined : key,
    query: url.searchParams,
    headers: req.headers,
    body,
    trailers,
  };
  if (!r.bucket) return serviceLevel(o, r, res);
  if (r.key === undefined) return bucketLevel(o, r, res);
  return objectLevel(o, r, res);
}

// ---- GET / ----

function serviceLevel(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  if (r.method !== 'GET') throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  const buckets = o.store
    .listBuckets()
    .map((b) => `<Bucket><Name>${xmlEscape(b.name)}</Name><CreationDate>${b.created}</CreationDate></Bucket>`)
    .join('');
  xml(
    res,
    200,
    `<ListAllMyBucketsResult ${NS}><Owner><ID>${OWNER_ID}</ID><DisplayName>minio</DisplayName></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
  );
}

// ---- /bucket ----

const BUCKET_CONFIG_ERRORS: Record<string, [number, string, string]> = {
  policy: [404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'],
  tagging: [404, 'NoSuchTagSet', 'The TagSet does not exist'],
  lifecycle: [404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist'],
  cors: [404, 'NoSuchCORSConfiguration', 'The CORS configuration does not exist'],
  encryption: [404, 'ServerSideEncryptionConfigurationNotFoundError', 'The server side encryption configuration was not found'],
  'object-lock': [404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket'],
  replication: [404, 'ReplicationConfigurationNotFoundError', 'The replication configuration was not found'],
  website: [404, 'NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration'],
};

function bucketLevel(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  const bucket = r.bucket!;
  const q = r.query;
  switch (r.method) {
    case 'PUT':
      if (q.has('versioning') || q.has('policy') || q.has('tagging') || q.has('lifecycle') || q.has('cors')) return notImplemented();
      o.store.createBucket(bucket);
      res.writeHead(200, { Location: `/${bucket}`, 'Content-Length': 0 });
      return void res.end();
    case 'HEAD':
      o.store.requireBucket(bucket);
      res.writeHead(200, { 'X-Amz-Bucket-Region': o.region, 'Content-Length': 0 });
      return void res.end();
    case 'DELETE':
      if ([...q.keys()].length) return notImplemented();
      o.store.deleteBucket(bucket);
      res.writeHead(204);
      return void res.end();
    case 'POST':
      if (q.has('delete')) return deleteObjects(o, r, res);
      return notImplemented();
    case 'GET': {
      o.store.requireBucket(bucket);
      if (q.has('location'))
        return xml(res, 200, `<LocationConstraint ${NS}>${o.region === 'us-east-1' ? '' : o.region}</LocationConstraint>`);
      if (q.has('versioning')) return xml(res, 200, `<VersioningConfiguration ${NS}></VersioningConfiguration>`);
      if (q.has('acl'))
        return xml(
          res,
          200,
          `<AccessControlPolicy><Owner><ID>${OWNER_ID}</ID><DisplayName>minio</DisplayName></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${OWNER_ID}</ID><DisplayName>minio</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>`,
        );
      if (q.has('uploads')) return listUploads(o, r, res);
      for (const [sub, [status, code, message]] of Object.entries(BUCKET_CONFIG_ERRORS))
        if (q.has(sub)) throw new S3Error(status, code, message, { BucketName: bucket });
      return q.get('list-type') === '2' ? listV2(o, r, res) : listV1(o, r, res);
    }
  }
  throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

function notImplemented(): never {
  throw new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented');
}

function maxKeysOf(q: URLSearchParams): number {
  const raw = q.get('max-keys');
  if (raw === null) return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new S3Error(400, 'InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647');
  return Math.min(n, 1000);
}

function listV2(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  const q = r.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = maxKeysOf(q);
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? undefined;
  let after = startAfter;
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    if (!token || Buffer.from(decoded, 'utf8').toString('base64') !== token)
      throw new S3Error(400, 'InvalidArgument', 'The continuation token provided is incorrect');
    after = decoded;
  }
  const page = o.store.list(r.bucket!, { prefix, delimiter: delimiter || undefined, after, maxKeys });
  const enc = encoder(q);
  const fetchOwner = q.get('fetch-owner') === 'true';
  const body = [
    `<ListBucketResult ${NS}>`,
    `<Name>${xmlEscape(r.bucket!)}</Name><Prefix>${enc(prefix)}</Prefix>`,
    startAfter !== undefined ? `<StartAfter>${enc(startAfter)}</StartAfter>` : '',
    token !== null ? `<ContinuationToken>${xmlEscape(token)}</ContinuationToken>` : '',
    page.isTruncated && page.last
      ? `<NextContinuationToken>${Buffer.from(page.last, 'utf8').toString('base64')}</NextContinuationToken>`
      : '',
    `<KeyCount>${page.contents.length + page.commonPrefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
    delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : '',
    `<IsTruncated>${page.isTruncated}</IsTruncated>`,
    page.contents.map((c) => contentsXml(c, enc, fetchOwner)).join(''),
    page.commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`).join(''),
    q.get('encoding-type') === 'url' ? '<EncodingType>url</EncodingType>' : '',
    '</ListBucketResult>',
  ].join('');
  xml(res, 200, body);
}

function listV1(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  const q = r.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const maxKeys = maxKeysOf(q);
  const page = o.store.list(r.bucket!, { prefix, delimiter: delimiter || undefined, after: marker || undefined, maxKeys });
  const enc = encoder(q);
  const body = [
    `<ListBucketResult ${NS}>`,
    `<Name>${xmlEscape(r.bucket!)}</Name><Prefix>${enc(prefix)}</Prefix><Marker>${enc(marker)}</Marker>`,
    page.isTruncated && delimiter && page.last ? `<NextMarker>${enc(page.last)}</NextMarker>` : '',
    `<MaxKeys>${maxKeys}</MaxKeys>`,
    delimiter ? `<Delimiter>${enc(delimiter)}</Delimiter>` : '',
    `<IsTruncated>${page.isTruncated}</IsTruncated>`,
    page.contents.map((c) => contentsXml(c, enc, true)).join(''),
    page.commonPrefixes.map((p) => `<CommonPrefixes><Prefix>${enc(p)}</Prefix></CommonPrefixes>`).join(''),
    q.get('encoding-type') === 'url' ? '<EncodingType>url</EncodingType>' : '',
    '</ListBucketResult>',
  ].join('');
  xml(res, 200, body);
}

function contentsXml(c: ObjectInfo, enc: (s: string) => string, owner: boolean): string {
  return `<Contents><Key>${enc(c.key)}</Key><LastModified>${c.lastModified}</LastModified><ETag>&quot;${c.etag}&quot;</ETag><Size>${c.size}</Size>${owner ? `<Owner><ID>${OWNER_ID}</ID><DisplayName>minio</DisplayName></Owner>` : ''}<StorageClass>STANDARD</StorageClass></Contents>`;
}

/** Keys as XML text, or URL-encoded when the client asked for encoding-type=url (boto3 always does). */
function encoder(q: URLSearchParams): (s: string) => string {
  if (q.get('encoding-type') === 'url')
    return (s) =>
      encodeURIComponent(s)
        .replace(/%2F/g, '/')
        .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return xmlEscape;
}

function listUploads(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  const uploads = o.store
    .uploads(r.bucket!)
    .filter((u) => u.key.startsWith(r.query.get('prefix') ?? ''))
    .sort((a, b) => compare(a.key, b.key));
  const items = uploads
    .map(
      (u) =>
        `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`,
    )
    .join('');
  xml(
    res,
    200,
    `<ListMultipartUploadsResult ${NS}><Bucket>${xmlEscape(r.bucket!)}</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`,
  );
}

function deleteObjects(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  o.store.requireBucket(r.bucket!);
  const text = r.body.toString('utf8');
  if (!/<Delete[\s>]/.test(text))
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  const quiet = /<Quiet>\s*true\s*<\/Quiet>/.test(text);
  const keys = [...text.matchAll(/<Object>[\s\S]*?<Key>([\s\S]*?)<\/Key>[\s\S]*?<\/Object>/g)].map((m) => xmlUnescape(m[1]));
  if (keys.length > 1000)
    throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  const results = keys.map((k) => {
    try {
      o.store.delete(r.bucket!, k);
      return quiet ? '' : `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`;
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error(500, 'InternalError', (err as Error).message);
      return `<Error><Key>${xmlEscape(k)}</Key><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error>`;
    }
  });
  xml(res, 200, `<DeleteResult ${NS}>${results.join('')}</DeleteResult>`);
}

// ---- /bucket/key ----

function objectLevel(o: S3ServerOptions, r: S3Request, res: ServerResponse): void {
  const bucket = r.bucket!;
  const key = r.key!;
  const q = r.query;
  const uploadId = q.get('uploadId');
  switch (r.method) {
    case 'PUT': {
      if (uploadId !== null) {
        if (r.headers['x-amz-copy-source']) return notImplemented();
        checkChecksums(r);
        const etag = o.store.putPart(bucket, key, uploadId, Number(q.get('partNumber')), r.body);
        res.writeHead(200, { ETag: `"${etag}"`, 'Content-Length': 0 });
        return void res.end();
      }
      if (q.has('tagging') || q.has('acl') || q.has('retention') || q.has('legal-hold')) return notImplemented();
      const source = r.headers['x-amz-copy-source'];
      if (source) return copyObject(o, r, res, String(source));
      const checksums = checkChecksums(r);
      const info = o.store.put(bucket, key, r.body, { ...putOptions(r), checksums });
      res.writeHead(200, { ETag: `"${info.etag}"`, 'Content-Length': 0, ...checksumHeaders(info) });
      return void res.end();
    }
    case 'POST':
      if (q.has('uploads')) {
        const id = o.store.createUpload(bucket, key, putOptions(r));
        return xml(
          res,
          200,
          `<InitiateMultipartUploadResult ${NS}><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (uploadId !== null) {
        const text = r.body.toString('utf8');
        const parts = [...text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
          partNumber: Number(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(m[1])?.[1]),
          etag: xmlUnescape(/<ETag>([\s\S]*?)<\/ETag>/.exec(m[1])?.[1] ?? '').trim(),
        }));
        if (!/<CompleteMultipartUpload[\s>]/.test(text) || parts.some((p) => !Number.isInteger(p.partNumber))) {
          throw new S3Error(
            400,
            'MalformedXML',
            'The XML you provided was not well-formed or did not validate against our published schema.',
          );
        }
        const info = o.store.completeUpload(bucket, key, uploadId, parts);
        return xml(
          res,
          200,
          `<CompleteMultipartUploadResult ${NS}><Location>/${xmlEscape(bucket)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>&quot;${info.etag}&quot;</ETag></CompleteMultipartUploadResult>`,
        );
      }
      return notImplemented();
    case 'DELETE':
      if (uploadId !== null) {
        o.store.abortUpload(bucket, key, uploadId);
        res.writeHead(204);
        return void res.end();
      }
      o.store.delete(bucket, key);
      res.writeHead(204);
      return void res.end();
    case 'GET':
      if (uploadId !== null) {
        const parts = o.store
          .listParts(bucket, key, uploadId)
          .map(
            (p) =>
              `<Part><PartNumber>${p.partNumber}</PartNumber><LastModified>${p.lastModified}</LastModified><ETag>&quot;${p.etag}&quot;</ETag><Size>${p.size}</Size></Part>`,
          );
        return xml(
          res,
          200,
          `<ListPartsResult ${NS}><Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${uploadId}</UploadId><StorageClass>STANDARD</StorageClass><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>${parts.join('')}</ListPartsResult>`,
        );
      }
      if (q.has('tagging')) return xml(res, 200, `<Tagging ${NS}><TagSet></TagSet></Tagging>`);
      if (q.has('acl') || q.has('retention') || q.has('legal-hold') || q.has('attributes')) return notImplemented();
      return getObject(o, r, res, false);
    case 'HEAD':
      return getObject(o, r, res, true);
  }
  throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

function putOptions(r: S3Request): PutOptions {
  const userMetadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers))
    if (k.startsWith('x-amz-meta-') && v !== undefined) userMetadata[k.slice('x-amz-meta-'.length)] = String(v);
  return { contentType: r.headers['content-type'], userMetadata };
}

/** Checks the x-amz-checksum-* values (header or trailer) the client sent against the body. */
function checkChecksums(r: S3Request): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [k, v] of [...Object.entries(r.headers), ...Object.entries(r.trailers)]) {
    const m = /^x-amz-checksum-(crc32|crc32c|crc64nvme|sha1|sha256)$/.exec(k);
    if (m && v !== undefined) sent[m[1]] = String(v);
  }
  for (const [alg, value] of Object.entries(sent)) {
    const computed = computeChecksum(alg, r.body);
    if (computed !== undefined && computed !== value) {
      throw new S3Error(400, 'BadDigest', `The ${alg.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
  return sent;
}

function computeChecksum(alg: string, data: Buffer): string | undefined {
  if (alg === 'sha1' || alg === 'sha256') return createHash(alg).update(data).digest('base64');
  const crc32 = (zlib as unknown as { crc32?: (d: Buffer) => number }).crc32;
  if (alg === 'crc32' && crc32) {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(crc32(data) >>> 0);
    return b.toString('base64');
  }
  return undefined; // crc32c and crc64nvme are kept, not recomputed
}

function checksumHeaders(info: ObjectInfo): Record<string, string> {
  return Object.fromEntries(Object.entries(info.checksums ?? {}).map(([alg, v]) => [`x-amz-checksum-${alg}`, v]));
}

function copyObject(o: S3ServerOptions, r: S3Request, res: ServerResponse, source: string): void {
  const path = safeDecode(source.split('?')[0]).replace(/^\//, '');
  const slash = path.indexOf('/');
  if (slash <= 0) throw new S3Error(400, 'InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  const replace = String(r.headers['x-amz-metadata-directive'] ?? 'COPY').toUpperCase() === 'REPLACE';
  const info = o.store.copy(path.slice(0, slash), path.slice(slash + 1), r.bucket!, r.key!, replace ? putOptions(r) : undefined);
  xml(
    res,
    200,
    `<CopyObjectResult ${NS}><LastModified>${info.lastModified}</LastModified><ETag>&quot;${info.etag}&quot;</ETag></CopyObjectResult>`,
  );
}

function getObject(o: S3ServerOptions, r: S3Request, res: ServerResponse, head: boolean): void {
  const info = o.store.head(r.bucket!, r.key!);
  const etag = `"${info.etag}"`;
  const headers: Record<string, string | number> = {
    ETag: etag,
    'Last-Modified': new Date(info.lastModified).toUTCString(),
    'Content-Type': r.query.get('response-content-type') ?? info.contentType,
    ...(info.parts ? { 'x-amz-mp-parts-count': info.parts } : {}),
  };
  for (const [k, v] of Object.entries(info.userMetadata)) headers[`x-amz-meta-${k}`] = v;
  if (r.headers['x-amz-checksum-mode'] === 'ENABLED') Object.assign(headers, checksumHeaders(info));
  const ifMatch = r.headers['if-match'];
  if (
    ifMatch &&
    !String(ifMatch)
      .split(',')
      .map((s) => s.trim())
      .some((t) => t === '*' || t === etag || t === info.etag)
  ) {
    throw new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
  }
  const ifNoneMatch = r.headers['if-none-match'];
  if (
    ifNoneMatch &&
    String(ifNoneMatch)
      .split(',')
      .map((s) => s.trim())
      .some((t) => t === '*' || t === etag || t === info.etag)
  ) {
    res.writeHead(304, { ETag: etag, 'Last-Modified': headers['Last-Modified'] });
    return void res.end();
  }
  let start = 0;
  let end = info.size - 1;
  let status = 200;
  const range = r.headers.range;
  if (range) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(String(range).trim());
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        end = m[2] ? Math.min(Number(m[2]), info.size - 1) : info.size - 1;
      } else {
        start = Math.max(0, info.size - Number(m[2]));
      }
      if (start >= info.size || start > end) {
        res.setHeader('Content-Range', `bytes */${info.size}`);
        throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
          RangeRequested: String(range),
          ActualObjectSize: String(info.size),
        });
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
    }
  }
  const length = info.size === 0 ? 0 : end - start + 1;
  headers['Content-Length'] = length;
  res.writeHead(status, headers);
  if (head || length === 0) return void res.end();
  fs.createReadStream(o.store.dataFile(r.bucket!, r.key!, info), { start, end })
    .on('error', () => res.destroy())
    .pipe(res);
}

// ---- plumbing ----

function xml(res: ServerResponse, status: number, body: string): void {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
