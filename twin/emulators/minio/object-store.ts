// MinIO's storage in its data directory (the pod's volume): a folder per bucket, an object as
// `<bucket>/<key>/xl.meta` (its metadata) plus a data folder holding `part.1`, directory objects
// (keys ending in "/") under `__XLDIR__`, and MinIO's own state under `.minio.sys` — the same shape
// as MinIO's single-drive layout, so `ls /data/<bucket>` in the pod shows the keys. Writes are
// atomic (written aside, then renamed), so a reader never sees half an object.
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Error } from './errors';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  contentType: string;
  userMetadata: Record<string, string>;
  /** Checksums the client sent (x-amz-checksum-*), returned when asked. */
  checksums?: Record<string, string>;
  /** The data folder next to xl.meta. */
  dataDir: string;
  parts?: number;
}

export interface PutOptions {
  contentType?: string;
  userMetadata?: Record<string, string>;
  checksums?: Record<string, string>;
}

export interface ListResult {
  contents: ObjectInfo[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or prefix returned (the marker of the next page). */
  last?: string;
}

interface Upload {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
  options: PutOptions;
}

const SYS = '.minio.sys';
const META = 'xl.meta';
const DIR_OBJECT = '__XLDIR__';
const RESERVED = new Set([META, DIR_OBJECT, 'part.1']);
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export class ObjectStore {
  constructor(readonly root: string) {
    fs.mkdirSync(path.join(root, SYS, 'tmp'), { recursive: true });
    fs.mkdirSync(path.join(root, SYS, 'buckets'), { recursive: true });
    fs.mkdirSync(path.join(root, SYS, 'multipart'), { recursive: true });
  }

  // ---- buckets ----

  listBuckets(): { name: string; created: string }[] {
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== SYS)
      .map((d) => ({ name: d.name, created: this.bucketCreated(d.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  bucketExists(bucket: string): boolean {
    return validBucketName(bucket) && fs.existsSync(path.join(this.root, bucket));
  }

  createBucket(bucket: string): void {
    if (!validBucketName(bucket)) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
    if (this.bucketExists(bucket)) {
      throw new S3Error(
        409,
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        { BucketName: bucket },
      );
    }
    fs.mkdirSync(path.join(this.root, bucket));
    this.writeAtomic(path.join(this.root, SYS, 'buckets', `${bucket}.json`), JSON.stringify({ created: new Date().toISOString() }));
  }

  deleteBucket(bucket: string): void {
    this.requireBucket(bucket);
    if (this.list(bucket, { maxKeys: 1 }).contents.length || this.uploads(bucket).length) {
      throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: bucket });
    }
    fs.rmSync(path.join(this.root, bucket), { recursive: true, force: true });
    fs.rmSync(path.join(this.root, SYS, 'buckets', `${bucket}.json`), { force: true });
  }

  requireBucket(bucket: string): void {
    if (!this.bucketExists(bucket)) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
  }

  private bucketCreated(bucket: string): string {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.root, SYS, 'buckets', `${bucket}.json`), 'utf8')).created;
    } catch {
      return fs.statSync(path.join(this.root, bucket)).mtime.toISOString();
    }
  }

  // ---- objects ----

  put(bucket: string, key: string, data: Buffer, options: PutOptions = {}): ObjectInfo {
    this.requireBucket(bucket);
    const etag = createHash('md5').update(data).digest('hex');
    return this.commit(bucket, key, [data], etag, options);
  }

  head(bucket: string, key: string): ObjectInfo {
    this.requireBucket(bucket);
    const info = this.readMeta(bucket, key);
    if (!info) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key, BucketName: bucket });
    return info;
  }

  /** The file holding an object's bytes. */
  dataFile(bucket: string, key: string, info: ObjectInfo): string {
    return path.join(this.objectDir(bucket, key), info.dataDir, 'part.1');
  }

  delete(bucket: string, key: string): void {
    this.requireBucket(bucket);
    if (!validKey(key)) return;
    const dir = this.objectDir(bucket, key);
    const info = this.readMeta(bucket, key);
    if (!info) return;
    fs.rmSync(path.join(dir, META), { force: true });
    fs.rmSync(path.join(dir, info.dataDir), { recursive: true, force: true });
    this.prune(bucket, dir);
  }

  copy(srcBucket: string, srcKey: string, bucket: string, key: string, options?: PutOptions): ObjectInfo {
    const src = this.head(srcBucket, srcKey);
    const data = fs.readFileSync(this.dataFile(srcBucket, srcKey, src));
    return this.put(bucket, key, data, options ?? { contentType: src.contentType, userMetadata: src.userMetadata });
  }

  /** Keys in byte order, after `after`, below `prefix`, grouped at `delimiter`. */
  list(bucket: string, opts: { prefix?: string; delimiter?: string; after?: string; maxKeys?: number }): ListResult {
    this.requireBucket(bucket);
    const prefix = opts.prefix ?? '';
    const maxKeys = opts.maxKeys ?? 1000;
    const keys = this.allKeys(bucket, prefix).filter(
      (k) => k.startsWith(prefix) && (opts.after === undefined || compare(k, opts.after) > 0),
    );
    const contents: ObjectInfo[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    let truncated = false;
    for (const k of keys) {
      let entry: { prefix?: string; key?: string };
      if (opts.delimiter) {
        const i = k.indexOf(opts.delimiter, prefix.length);
        entry = i >= 0 ? { prefix: k.slice(0, i + opts.delimiter.length) } : { key: k };
      } else entry = { key: k };
      if (entry.prefix && entry.prefix === prefixes[prefixes.length - 1]) continue;
      if (entry.prefix && opts.after !== undefined && compare(entry.prefix, opts.after) <= 0) continue;
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      if (entry.prefix) {
        prefixes.push(entry.prefix);
        last = entry.prefix;
      } else {
        const info = this.readMeta(bucket, entry.key!);
        if (!info) continue;
        contents.push(info);
        last = entry.key;
      }
    }
    return { contents, commonPrefixes: prefixes, isTruncated: truncated, last };
  }

  // ---- multipart uploads ----

  createUpload(bucket: string, key: string, options: PutOptions): string {
    this.requireBucket(bucket);
    checkKey(bucket, key);
    const uploadId = randomUUID();
    const dir = path.join(this.root, SYS, 'multipart', uploadId);
    fs.mkdirSync(dir, { recursive: true });
    const upload: Upload = { uploadId, bucket, key, initiated: new Date().toISOString(), options };
    fs.writeFileSync(path.join(dir, 'upload.json'), JSON.stringify(upload));
    return uploadId;
  }

  putPart(bucket: string, key: string, uploadId: string, partNumber: number, data: Buffer): string {
    const dir = this.uploadDir(bucket, key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000)
      throw new S3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
    const etag = createHash('md5').update(data).digest('hex');
    this.writeAtomic(path.join(dir, `part.${partNumber}`), data);
    fs.writeFileSync(
      path.join(dir, `part.${partNumber}.json`),
      JSON.stringify({ etag, size: data.length, lastModified: new Date().toISOString() }),
    );
    return etag;
  }

  listParts(bucket: string, key: string, uploadId: string): { partNumber: number; etag: string; size: number; lastModified: string }[] {
    const dir = this.uploadDir(bucket, key, uploadId);
    return fs
      .readdirSync(dir)
      .filter((f) => /^part\.\d+\.json$/.test(f))
      .map((f) => ({ partNumber: Number(f.split('.')[1]), ...JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) }))
      .sort((a, b) => a.partNumber - b.partNumber);
  }

  completeUpload(bucket: string, key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): ObjectInfo {
    const dir = this.uploadDir(bucket, key, uploadId);
    const upload = JSON.parse(fs.readFileSync(path.join(dir, 'upload.json'), 'utf8')) as Upload;
    if (!parts.length)
      throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const stored = new Map(this.listParts(bucket, key, uploadId).map((p) => [p.partNumber, p]));
    let previous = 0;
    const buffers: Buffer[] = [];
    const md5s: Buffer[] = [];
    parts.forEach((p, i) => {
      if (p.partNumber <= previous)
        throw new S3Error(
          400,
          'InvalidPartOrder',
          'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
        );
      previous = p.partNumber;
      const s = stored.get(p.partNumber);
      if (!s || s.etag !== p.etag.replace(/"/g, '')) {
        throw new S3Error(
          400,
          'InvalidPart',
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        );
      }
      if (i < parts.length - 1 && s.size < MIN_PART_SIZE)
        throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      buffers.push(fs.readFileSync(path.join(dir, `part.${p.partNumber}`)));
      md5s.push(Buffer.from(s.etag, 'hex'));
    });
    const etag = `${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${parts.length}`;
    const info = this.commit(bucket, key, buffers, etag, upload.options, parts.length);
    fs.rmSync(dir, { recursive: true, force: true });
    return info;
  }

  abortUpload(bucket: string, key: string, uploadId: string): void {
    fs.rmSync(this.uploadDir(bucket, key, uploadId), { recursive: true, force: true });
  }

  uploads(bucket: string): Upload[] {
    const root = path.join(this.root, SYS, 'multipart');
    return fs
      .readdirSync(root)
      .map((id) => {
        try {
          return JSON.parse(fs.readFileSync(path.join(root, id, 'upload.json'), 'utf8')) as Upload;
        } catch {
          return undefined;
        }
      })
      .filter((u): u is Upload => !!u && u.bucket === bucket);
  }

  private uploadDir(bucket: string, key: string, uploadId: string): string {
    this.requireBucket(bucket);
    const dir = path.join(this.root, SYS, 'multipart', path.basename(uploadId));
    let upload: Upload | undefined;
    try {
      upload = JSON.parse(fs.readFileSync(path.join(dir, 'upload.json'), 'utf8'));
    } catch {
      upload = undefined;
    }
    if (!upload || upload.bucket !== bucket || upload.key !== key) {
      throw new S3Error(
        404,
        'NoSuchUpload',
        'The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
    }
    return dir;
  }

  // ---- files ----

  private commit(bucket: string, key: string, data: Buffer[], etag: string, options: PutOptions, parts?: number): ObjectInfo {
    checkKey(bucket, key);
    const dir = this.objectDir(bucket, key);
    const clash = this.fileOnPath(bucket, dir);
    if (clash)
      throw new S3Error(409, 'XMinioParentIsObject', 'Object-prefix is already an object, please choose a different object-prefix name.', {
        Key: key,
      });
    fs.mkdirSync(dir, { recursive: true });
    const previous = this.readMeta(bucket, key);
    const dataDir = randomUUID();
    const tmp = path.join(this.root, SYS, 'tmp', randomUUID());
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, 'part.1'), Buffer.concat(data));
    fs.renameSync(tmp, path.join(dir, dataDir));
    const info: ObjectInfo = {
      key,
      size: data.reduce((n, b) => n + b.length, 0),
      etag,
      lastModified: new Date().toISOString(),
      contentType: options.contentType || 'application/octet-stream',
      userMetadata: options.userMetadata ?? {},
      ...(options.checksums && Object.keys(options.checksums).length ? { checksums: options.checksums } : {}),
      dataDir,
      ...(parts ? { parts } : {}),
    };
    this.writeAtomic(path.join(dir, META), JSON.stringify(info));
    if (previous && previous.dataDir !== dataDir) fs.rmSync(path.join(dir, previous.dataDir), { recursive: true, force: true });
    return info;
  }

  /** True when a folder on the way to an object is itself an object's data folder (never with valid keys), kept as a guard. */
  private fileOnPath(bucket: string, dir: string): boolean {
    let d = dir;
    const top = path.join(this.root, bucket);
    while (d.startsWith(top) && d !== top) {
      if (fs.existsSync(d) && !fs.statSync(d).isDirectory()) return true;
      d = path.dirname(d);
    }
    return false;
  }

  private readMeta(bucket: string, key: string): ObjectInfo | undefined {
    if (!validKey(key)) return undefined;
    try {
      const info = JSON.parse(fs.readFileSync(path.join(this.objectDir(bucket, key), META), 'utf8')) as ObjectInfo;
      return { ...info, key };
    } catch {
      return undefined;
    }
  }

  private objectDir(bucket: string, key: string): string {
    const segments = key.endsWith('/') ? [...key.slice(0, -1).split('/'), DIR_OBJECT] : key.split('/');
    return path.join(this.root, bucket, ...segments);
  }

  /** Every key of a bucket below the folder the prefix names, in byte order. */
  private allKeys(bucket: string, prefix: string): string[] {
    const base = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    if (base && !validKey(base)) return [];
    const start = path.join(this.root, bucket, ...base.split('/').filter(Boolean));
    const keys: string[] = [];
    const walk = (dir: string, keyPrefix: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      if (entries.some((e) => e.name === META && e.isFile())) keys.push(keyPrefix.replace(/\/$/, ''));
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        if (e.name === DIR_OBJECT) {
          if (fs.existsSync(path.join(dir, DIR_OBJECT, META))) keys.push(keyPrefix);
          continue;
        }
        if (fs.existsSync(path.join(dir, META)) && /^[0-9a-f-]{36}$/.test(e.name)) continue; // a data folder
        walk(path.join(dir, e.name), `${keyPrefix}${e.name}/`);
      }
    };
    walk(start, base);
    return keys.filter((k) => k !== '').sort(compare);
  }

  /** Removes folders left empty by a delete, up to the bucket. */
  private prune(bucket: string, dir: string): void {
    const top = path.join(this.root, bucket);
    let d = dir;
    while (d.startsWith(top + path.sep)) {
      try {
        fs.rmdirSync(d);
      } catch {
        return;
      }
      d = path.dirname(d);
    }
  }

  private writeAtomic(file: string, data: string | Buffer): void {
    const tmp = path.join(this.root, SYS, 'tmp', randomUUID());
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  }
}

/** Byte order of UTF-8 keys, as S3 lists them. */
export function compare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function validBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !/\.\.|\.-|-\./.test(name) && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

function validKey(key: string): boolean {
  if (!key || Buffer.byteLength(key) > 1024) return false;
  const segments = (key.endsWith('/') ? key.slice(0, -1) : key).split('/');
  return segments.every((s) => s !== '' && s !== '.' && s !== '..' && !RESERVED.has(s)) && !key.startsWith('/');
}

function checkKey(bucket: string, key: string): void {
  if (Buffer.byteLength(key) > 1024) throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', { Key: key, BucketName: bucket });
  if (!validKey(key))
    throw new S3Error(400, 'XMinioInvalidObjectName', 'Object name contains unsupported characters.', { Key: key, BucketName: bucket });
}
