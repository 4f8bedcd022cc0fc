// MinIO (quay.io/minio/minio and its mirrors): `minio server DIR [--address :9000]
// [--console-address :9090]` serves the S3 API with the root credentials of its environment
// (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD; minioadmin:minioadmin when unset, as MinIO does), storing
// objects in DIR — on the pod's volume, so a PersistentVolumeClaim keeps them across pod restarts.
// Bad credentials stop the container with MinIO's own error, and the pod crash-loops.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { effectiveWords } from '../env';
import { ContainerExit, imageBaseName, type ContainerContext, type ContainerEmulator, type ImageEmulator } from '../types';
import { ObjectStore } from './object-store';
import { s3Handler } from './s3-server';

export const MINIO_VERSION = 'RELEASE.2024-05-10T01-41-38Z';

/** Repository base names MinIO ships under (never the `mc` client image). */
const MINIO_IMAGE = /^(odh-|ose-)?minio(-rhel\d+)?$/;

export const minioEmulator: ImageEmulator = {
  name: 'minio',
  matches: (image) => MINIO_IMAGE.test(imageBaseName(image)),
  start: startMinio,
};

interface ServerArgs {
  dirs: string[];
  address: number;
  consolePort?: number;
}

function parseArgs(words: string[]): ServerArgs {
  const server = words.indexOf('server');
  if (server < 0) {
    throw new ContainerExit(
      `NAME:\n  minio - High Performance Object Storage\n\nUSAGE:\n  minio [FLAGS] COMMAND [ARGS...]\n\nERROR: the container's command does not run "minio server" (got: ${words.join(' ') || '<image default>'})`,
    );
  }
  const args = words.slice(server + 1);
  const dirs: string[] = [];
  let address = ':9000';
  let console: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--address') address = inline ?? args[++i];
    else if (flag === '--console-address') console = inline ?? args[++i];
    else if (flag.startsWith('--')) {
      if (inline === undefined && args[i + 1] && !args[i + 1].startsWith('-') && !['--quiet', '--anonymous', '--json'].includes(flag)) i++;
    } else dirs.push(a);
  }
  if (!dirs.length) throw new ContainerExit('ERROR Invalid command line arguments: minio server needs at least one directory');
  const port = (addr: string) => {
    const n = Number(addr.slice(addr.lastIndexOf(':') + 1));
    if (!Number.isInteger(n) || n <= 0 || n > 65535)
      throw new ContainerExit(`ERROR Invalid command line arguments: invalid address "${addr}"`);
    return n;
  };
  return { dirs, address: port(address), consolePort: console ? port(console) : undefined };
}

function rootCredentials(ctx: ContainerContext): { accessKey: string; secretKey: string; defaulted: boolean } {
  const env = ctx.env;
  const accessKey = env.MINIO_ROOT_USER ?? env.MINIO_ACCESS_KEY;
  const secretKey = env.MINIO_ROOT_PASSWORD ?? env.MINIO_SECRET_KEY;
  if (accessKey === undefined && secretKey === undefined) return { accessKey: 'minioadmin', secretKey: 'minioadmin', defaulted: true };
  if (accessKey === undefined || secretKey === undefined) {
    throw new ContainerExit(
      `ERROR Unable to validate credentials inherited from the shell environment: Missing credential environment variable, "${accessKey === undefined ? 'MINIO_ROOT_USER' : 'MINIO_ROOT_PASSWORD'}"`,
    );
  }
  if (accessKey.length < 3 || secretKey.length < 8) {
    throw new ContainerExit(
      'ERROR Unable to validate credentials inherited from the shell environment: Invalid credentials\n      > Please provide correct credentials\n      HINT:\n        Access key length should be at least 3, and secret key length at least 8 characters',
    );
  }
  return { accessKey, secretKey, defaulted: false };
}

function startMinio(ctx: ContainerContext): ContainerEmulator {
  const args = parseArgs(effectiveWords(ctx.argv));
  const creds = rootCredentials(ctx);
  const region = ctx.env.MINIO_SITE_REGION ?? ctx.env.MINIO_REGION ?? 'us-east-1';
  const dir = args.dirs[0];
  let root: string;
  try {
    root = ctx.fs.writablePath(dir);
  } catch (err) {
    throw new ContainerExit(`ERROR Unable to use the drive ${dir}: drive path is read-only: ${(err as Error).message}`);
  }
  const store = new ObjectStore(root);
  const podIP = ctx.pod.status?.podIP ?? '10.128.0.1';
  ctx.log('MinIO Object Storage Server');
  ctx.log('Copyright: 2015-2024 MinIO, Inc.');
  ctx.log('License: GNU AGPLv3 - https://www.gnu.org/licenses/agpl-3.0.html');
  ctx.log(`Version: ${MINIO_VERSION} (go1.22.3 linux/amd64)`);
  ctx.log('');
  if (args.dirs.length > 1)
    ctx.log(
      `WARN: the twin's MinIO keeps every object in the first drive (${dir}); erasure coding over ${args.dirs.length} drives is not emulated`,
    );
  ctx.log(`API: http://${podIP}:${args.address}  http://127.0.0.1:${args.address}`);
  if (args.consolePort) ctx.log(`WebUI: http://${podIP}:${args.consolePort} http://127.0.0.1:${args.consolePort}`);
  ctx.log('');
  ctx.log('Docs: https://min.io/docs/minio/linux/index.html');
  if (creds.defaulted)
    ctx.log(
      "WARN: Detected default credentials 'minioadmin:minioadmin', we recommend that you change these values with 'MINIO_ROOT_USER' and 'MINIO_ROOT_PASSWORD' environment variables",
    );
  const ports = [{ port: args.address, handler: s3Handler({ store, credentials: creds, region }) }];
  if (args.consolePort && args.consolePort !== args.address) ports.push({ port: args.consolePort, handler: consolePage });
  return {
    ports,
    commands: {
      minio: (c) => {
        if (c.argv[1] === '--version' || c.argv[1] === '-v') {
          c.stdout(
            `minio version ${MINIO_VERSION} (commit-id=ad9c2e6d7ab2f3b8ba63e3ae8d9c1a8f3bb6d4a1)\nRuntime: go1.22.3 linux/amd64\nLicense: GNU AGPLv3 - https://www.gnu.org/licenses/agpl-3.0.html\nCopyright: 2015-2024 MinIO, Inc.\n`,
          );
          return 0;
        }
        c.stderr("minio: the twin runs `minio server` as the container's process; only `minio --version` can be exec'd\n");
        return 1;
      },
    },
  };
}

/** The console port answers with a page naming itself; the console's web application is not emulated. */
function consolePage(req: IncomingMessage, res: ServerResponse): void {
  const body =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MinIO Console</title></head><body><div id="root">MinIO Console</div></body></html>';
  res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
