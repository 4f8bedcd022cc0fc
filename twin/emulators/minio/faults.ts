// Faults of a project's MinIO as they happen to a real one: the drive under it is full (MinIO
// refuses writes with XMinioStorageFull, HTTP 507), or it lost more drives than erasure coding
// can bear (reads fail with XMinioReadQuorum, HTTP 503). Error codes and words from minio/minio
// cmd/api-errors.go (ErrStorageFull, ErrErasureReadQuorum). Registered over MinIO's emulator (a
// later registration wins for the same image) only while the fault is on.
import type { ImageEmulator } from '../types';
import { minioEmulator } from './index';

export const MINIO_STORAGE_FULL = 'minio-storage-full';
export const MINIO_READ_QUORUM = 'minio-read-quorum-lost';

export interface MinioFailure {
  /** Whether the request (method, object key, URL) is one the fault answers. */
  hits(method: string, key: string, url: string): boolean;
  status: number;
  code: string;
  message: string;
}

const FAILURES: Record<string, MinioFailure> = {
  [MINIO_STORAGE_FULL]: {
    hits: (method, key) => method === 'PUT' && key !== '',
    status: 507,
    code: 'XMinioStorageFull',
    message: 'Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.',
  },
  [MINIO_READ_QUORUM]: {
    hits: (method, key) => (method === 'GET' || method === 'HEAD') && key !== '',
    status: 503,
    code: 'XMinioReadQuorum',
    message: 'Multiple disk failures, unable to reconstruct data.',
  },
};

/** MinIO answering the fault's requests with its error, and everything else as usual. */
export function failingMinio(fault: string): ImageEmulator {
  const failure = FAILURES[fault];
  if (!failure) throw new Error(`no MinIO fault ${fault}`);
  return minioAnswering(failure);
}

/** MinIO answering the requests a failure hits with its error, and everything else as usual. */
export function minioAnswering(failure: MinioFailure): ImageEmulator {
  return {
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
            if (!failure.hits(req.method ?? 'GET', key, req.url ?? '/')) return p.handler(req, res);
            req.resume();
            const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${failure.code}</Code><Message>${failure.message}</Message><Key>${key}</Key><BucketName>${decodeURIComponent(segments[1] ?? '')}</BucketName><Resource>${rawPath}</Resource><RequestId>17C2B6F0A8E3D4C2</RequestId><HostId>dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8</HostId></Error>`;
            res.writeHead(failure.status, {
              'Content-Type': 'application/xml',
              'Content-Length': req.method === 'HEAD' ? 0 : Buffer.byteLength(body),
              Server: 'MinIO',
              'X-Minio-Error-Code': failure.code,
              'X-Minio-Error-Desc': `"${failure.message}"`,
            });
            res.end(req.method === 'HEAD' ? undefined : body);
          },
        })),
      };
    },
  };
}

export const MINIO_FAULTS = Object.keys(FAILURES);
