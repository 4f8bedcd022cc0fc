// KServe's storage initializer (kserve/storage-initializer, `initializer-entrypoint <src_uri>
// <dest_path>`), the init container KServe puts before a predictor that names its model by storage
// URI or storage spec: it reads the credentials of its storage-config entry (env STORAGE_CONFIG, the
// JSON odh-model-controller keeps per data connection) and copies every object under the URI's path
// into the destination (/mnt/models), then exits 0. An empty path is kserve's
// `RuntimeError: Failed to fetch model. No model found in <path>.`; an unknown scheme, a missing
// bucket or refused credentials fail as botocore does. The output ends in the Python traceback's
// last line, which the kubelet keeps as the termination message (FallbackToLogsOnError) and KServe
// reports as the model's lastFailureInfo.
import type { FaultSet } from '../fault-set';
import type { ClusterNetwork } from '../network/cluster-network';
import type { InitProgram } from './init-containers';
import { fetchModel, parseStorageConfig, StorageError, type StorageConfigEntry } from './model-storage';
import { imageBaseName } from './types';

export const STORAGE_INITIALIZER_FAULT = 'kserve-model-path-missing';

export interface StorageInitializerOptions {
  network: ClusterNetwork;
  /** PEM certificates trusted besides the system roots (the cluster's trusted CA bundle). */
  trustedCa: string[];
  faults: FaultSet;
}

export function storageInitializer(o: StorageInitializerOptions): InitProgram {
  return {
    name: 'kserve-storage-initializer',
    matches: (image) => /storage-initializer/.test(imageBaseName(image)),
    async run(ctx) {
      const args = ctx.argv.filter((a) => !/(^|\/)(initializer-entrypoint|python3?)$/.test(a) && a !== '-m');
      const [src, dest] = args.slice(-2);
      ctx.log(`INFO:root:Initializing, args: src_uri [${src}] dest_path[ ${dest}]`);
      try {
        if (!src || !dest) throw new StorageError('ValueError', 'Usage: initializer-entrypoint src_uri dest_path');
        const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(src);
        if (!m)
          throw new StorageError(
            'Exception',
            `Cannot recognize storage type for ${src}\n'gs://', 's3://', 'hdfs://', 'webhdfs://', 'https://', 'http://', 'hf://' and '/' are the current available storage type.`,
          );
        const [, bucket, prefix] = m;
        const config = credentials(ctx.env);
        ctx.log(`INFO:root:Copying contents of ${src} to local`);
        const count = await fetchModel({
          network: o.network,
          namespace: ctx.pod.metadata.namespace!,
          config,
          bucket,
          prefix: prefix.replace(/^\/+/, ''),
          dest,
          fs: ctx.fs,
          extraCa: o.trustedCa,
          signal: ctx.signal,
          log: (line) => ctx.log(`INFO:root:${line}`),
          hideObjects: o.faults.has(STORAGE_INITIALIZER_FAULT),
        });
        if (count === 0)
          throw new StorageError('RuntimeError', `Failed to fetch model. No model found in ${prefix.replace(/^\/+|\/+$/g, '')}.`);
        ctx.log(`INFO:root:Successfully copied ${src} to ${dest}`);
        return 0;
      } catch (err) {
        if (ctx.signal.aborted) return 1;
        const e = err instanceof StorageError ? err : new StorageError('Exception', (err as Error).message);
        ctx.log('Traceback (most recent call last):');
        ctx.log('  File "/storage-initializer/scripts/initializer-entrypoint", line 16, in <module>');
        ctx.log('    kserve.Storage.download(src_uri, dest_path)');
        ctx.log(e.line);
        return 1;
      }
    },
  };
}

/** STORAGE_CONFIG (a storage-config entry) when KServe injected it, else the AWS_* variables of a plain storage URI. */
function credentials(env: Record<string, string>): StorageConfigEntry {
  if (env.STORAGE_CONFIG) return parseStorageConfig(env.STORAGE_CONFIG, 'STORAGE_CONFIG');
  return {
    type: 's3',
    access_key_id: env.AWS_ACCESS_KEY_ID,
    secret_access_key: env.AWS_SECRET_ACCESS_KEY,
    endpoint_url:
      env.AWS_ENDPOINT_URL ?? (env.S3_ENDPOINT ? `${env.S3_USE_HTTPS === '0' ? 'http' : 'https'}://${env.S3_ENDPOINT}` : undefined),
    region: env.AWS_DEFAULT_REGION,
    verify_ssl: env.S3_VERIFY_SSL,
  };
}
