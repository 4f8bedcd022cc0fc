// A fault of the tutorial's S3 storage: MinIO with a bucket policy that denies s3:PutObject (and
// the multipart and copy writes) under the prefix models/ of every bucket. Reads, listings and
// writes elsewhere work; a write of a model is answered 403 AccessDenied, as MinIO answers a request
// a policy denies. Registered over MinIO's emulator (a later registration wins for the same image)
// only while the fault is on.
import { minioAnswering } from '../minio/faults';

export const S3_UPLOAD_FAULT = 'tutorial-s3-upload-refused';

const DENIED_PREFIX = 'models/';

export const minioDenyingModelWrites = minioAnswering({
  hits: (method, key, url) => (method === 'PUT' || (method === 'POST' && /[?&]uploads?(=|&|$)/.test(url))) && key.startsWith(DENIED_PREFIX),
  status: 403,
  code: 'AccessDenied',
  message: 'Access Denied.',
});
