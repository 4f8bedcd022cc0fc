// A fault of the tutorial's S3 storage: MinIO with a bucket policy that denies s3:PutObject (and
// the multipart and copy writes) under the prefix models/ of every bucket. Reads, listings and
// writes elsewhere work; a write of a model is answered 403 AccessDenied, as MinIO answers a request
// a policy denies. Registered over MinIO's emulator (a later registration wins for the same image)
// only while the fault is on.
import type { ImageEmulator } from '../types';
import { minioEmulator } from '../minio/index';

export const S3_UPLOAD_FAULT = 'tutorial-s3-upload-refused';

const DENIED_PREFIX = 'models/';

export const minioDenyingModelWrites: ImageEmulator = {
  name: 'minio',
  matches: (image) => minioEmulator.matches(image),
  start(ctx) {
    const played = minioEmulator.start(ctx);
    return {
      ...played,
      ports: played.ports.map((p) => ({
        ...p,
        handler: (req, res) => {
          const rawPath = (req.url ?? '/').split('?')[0];
          const segments = rawPath.split('/');
          const key = segments.length > 2 ? decodeURIComponent(segments.slice(2).join('/')) : '';
          const write = req.method === 'PUT' || (req.method === 'POST' && /[?&]uploads?(=|&|$)/.test(req.url ?? ''));
          if (write && key.startsWith(DENIED_PREFIX)) {
            req.resume();
            const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied.</Message><Key>${key}</Key><BucketName>${decodeURIComponent(segments[1] ?? '')}</BucketName><Resource>${rawPath}</Resource><RequestId>17C2B6F0A8E3D4C1</RequestId><HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>`;
            res.writeHead(403, {
              'Content-Type': 'application/xml',
              'Content-Length': Buffer.byteLength(body),
              Server: 'MinIO',
              'X-Minio-Error-Code': 'AccessDenied',
            });
            return void res.end(body);
          }
          p.handler(req, res);
        },
      })),
    };
  },
};
