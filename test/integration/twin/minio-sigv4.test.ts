// The MinIO emulator's Signature V4 check against the worked examples of the AWS S3 documentation
// ("Signature Calculations for the Authorization Header" and "Transferring Payload in Multiple
// Chunks", credentials AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY at
// 20130524T000000Z): requests signed as AWS signs them verify; any change breaks them with S3's error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { S3Error } from '../../../twin/emulators/minio/errors';
import { decodeAwsChunked, EMPTY_SHA256, verifyRequest, type RequestLike } from '../../../twin/emulators/minio/sigv4';

const CREDS = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NOW = new Date(Date.UTC(2013, 4, 24, 0, 5, 0));
const SCOPE = 'AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

function auth(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${SCOPE},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

const getObject = (signature = 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'): RequestLike => ({
  method: 'GET',
  url: '/test.txt',
  headers: {
    host: 'examplebucket.s3.amazonaws.com',
    range: 'bytes=0-9',
    'x-amz-content-sha256': EMPTY_SHA256,
    'x-amz-date': '20130524T000000Z',
    authorization: auth('host;range;x-amz-content-sha256;x-amz-date', signature),
  },
});

function s3Error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof S3Error) return `${e.status} ${e.code}`;
    throw e;
  }
  return 'verified';
}

describe('MinIO Signature V4 against the AWS documentation examples', () => {
  it('verifies GET Object (header auth, a range header signed)', () => {
    const v = verifyRequest(getObject(), CREDS, 'us-east-1', NOW);
    assert.equal(v.accessKey, CREDS.accessKey);
  });

  it('verifies PUT Object with a "$" in the key and a signed date header', () => {
    const req: RequestLike = {
      method: 'PUT',
      url: '/test%24file.text',
      headers: {
        host: 'examplebucket.s3.amazonaws.com',
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
        authorization: auth(
          'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
          '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
        ),
      },
    };
    assert.equal(
      s3Error(() => verifyRequest(req, CREDS, 'us-east-1', NOW)),
      'verified',
    );
  });

  it('verifies GET Bucket lifecycle and a list with a query string (sorted, encoded)', () => {
    const base = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': EMPTY_SHA256 };
    const lifecycle: RequestLike = {
      method: 'GET',
      url: '/?lifecycle',
      headers: {
        ...base,
        authorization: auth('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'),
      },
    };
    const list: RequestLike = {
      method: 'GET',
      url: '/?max-keys=2&prefix=J',
      headers: {
        ...base,
        authorization: auth('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'),
      },
    };
    assert.equal(
      s3Error(() => verifyRequest(lifecycle, CREDS, 'us-east-1', NOW)),
      'verified',
    );
    assert.equal(
      s3Error(() => verifyRequest(list, CREDS, 'us-east-1', NOW)),
      'verified',
    );
  });

  it('refuses what a real S3 refuses, with its error codes', () => {
    const r = getObject();
    assert.equal(
      s3Error(() => verifyRequest(getObject('0'.repeat(64)), CREDS, 'us-east-1', NOW)),
      '403 SignatureDoesNotMatch',
    );
    assert.equal(
      s3Error(() => verifyRequest({ ...r, headers: { ...r.headers, range: 'bytes=0-10' } }, CREDS, 'us-east-1', NOW)),
      '403 SignatureDoesNotMatch',
      'a signed header changed',
    );
    assert.equal(
      s3Error(() => verifyRequest({ ...r, url: '/test2.txt' }, CREDS, 'us-east-1', NOW)),
      '403 SignatureDoesNotMatch',
      'the path changed',
    );
    assert.equal(
      s3Error(() => verifyRequest(r, { ...CREDS, secretKey: 'other' }, 'us-east-1', NOW)),
      '403 SignatureDoesNotMatch',
    );
    assert.equal(
      s3Error(() => verifyRequest(r, { ...CREDS, accessKey: 'SOMEONEELSE' }, 'us-east-1', NOW)),
      '403 InvalidAccessKeyId',
    );
    assert.equal(
      s3Error(() => verifyRequest(r, CREDS, 'eu-west-1', NOW)),
      '400 AuthorizationHeaderMalformed',
    );
    assert.equal(
      s3Error(() => verifyRequest(r, CREDS, 'us-east-1', new Date(Date.UTC(2013, 4, 24, 1, 0, 0)))),
      '403 RequestTimeTooSkewed',
    );
    assert.equal(
      s3Error(() => verifyRequest({ method: 'GET', url: '/test.txt', headers: { host: 'x' } }, CREDS, 'us-east-1', NOW)),
      '403 AccessDenied',
      'no credentials at all',
    );
    assert.equal(
      s3Error(() =>
        verifyRequest(
          { method: 'GET', url: '/test.txt', headers: { host: 'x', authorization: 'AWS AKIAIOSFODNN7EXAMPLE:abc' } },
          CREDS,
          'us-east-1',
          NOW,
        ),
      ),
      '400 SignatureVersionNotSupported',
    );
  });

  it('verifies each chunk signature of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload, and refuses a tampered chunk', () => {
    const req: RequestLike = {
      method: 'PUT',
      url: '/examplebucket/chunkObject.txt',
      headers: {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824',
        authorization: auth(
          'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
          '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
        ),
      },
    };
    const v = verifyRequest(req, CREDS, 'us-east-1', NOW);
    const chunk = (data: Buffer, sig: string) =>
      Buffer.concat([Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), data, Buffer.from('\r\n')]);
    const body = Buffer.concat([
      chunk(Buffer.alloc(65536, 'a'), 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648'),
      chunk(Buffer.alloc(1024, 'a'), '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'),
      chunk(Buffer.alloc(0), 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'),
    ]);
    assert.equal(body.length, 66824, 'the example body, byte for byte');
    const { data } = decodeAwsChunked(body, v);
    assert.equal(data.length, 66560);
    const tampered = Buffer.from(body);
    tampered[100] = 'b'.charCodeAt(0);
    assert.equal(
      s3Error(() => decodeAwsChunked(tampered, v)),
      '403 SignatureDoesNotMatch',
    );
  });
});
