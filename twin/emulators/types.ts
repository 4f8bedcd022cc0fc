// The contract between the twin's kubelet and the image emulators: an emulator plays what a
// well-known image serves (MinIO's S3 API, a workbench, a model server) for one running container,
// on the container ports it declares, with the commands `kubectl exec` may run in it, and the log
// lines `kubectl logs` shows.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SecureContextOptions } from 'node:tls';
import type { KObject } from '../api/types';
import type { PodFilesystem } from './volumes';

/** Serves the plain HTTP requests that reach one container port. */
export type PortHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** One port a container listens on. */
export interface EmulatedPort {
  /** The containerPort. */
  port: number;
  handler: PortHandler;
  /** Serves HTTP/1.1 upgrade requests (WebSocket) on the port; without it they are refused. */
  upgrade?: import('../network/upgrade').UpgradeHandler;
  /**
   * When set, the port speaks TLS itself (reencrypt and passthrough Routes reach it over TLS);
   * `SNICallback` lets one port present a certificate per host, as a gateway does.
   */
  tls?: SecureContextOptions & {
    SNICallback?: (servername: string, cb: (err: Error | null, ctx?: import('node:tls').SecureContext) => void) => void;
  };
}

/** What a command run by exec gets: its arguments, environment, files and streams. */
export interface CommandContext {
  /** argv[0] is the command as given (e.g. `ls` or `/usr/bin/ls`). */
  argv: string[];
  env: Record<string, string>;
  /** The working directory, a path inside the container. */
  cwd: string;
  /** The container's files: its volumes and its own writable layer. */
  fs: PodFilesystem;
  /** The whole of stdin once the client closed it (empty when exec had no stdin). */
  stdin(): Promise<Buffer>;
  stdout(chunk: string | Buffer): void;
  stderr(chunk: string | Buffer): void;
  /** Aborted when the client goes away or the pod is deleted. */
  signal: AbortSignal;
  /** Runs another command line of the same container (what a shell would do); returns its exit code. */
  run(argv: string[], io?: Partial<Pick<CommandContext, 'stdout' | 'stderr' | 'stdin' | 'cwd' | 'env'>>): Promise<number>;
}

/** A command an emulated container understands; returns the exit code. */
export type CommandHandler = (ctx: CommandContext) => Promise<number> | number;

/** One running container played by an emulator. */
export interface ContainerEmulator {
  /** The ports the container listens on (others refuse connections). */
  ports: EmulatedPort[];
  /** Commands beyond the core ones every container has (echo, cat, ls, sh -c, ...); by argv[0] base name. */
  commands?: Record<string, CommandHandler>;
  /** Called when the pod stops (deleted); close files, end requests in flight. */
  stop?(): Promise<void> | void;
}

/** Everything an emulator knows about the container it plays. */
export interface ContainerContext {
  pod: KObject;
  container: KObject;
  /** command + args as the container runtime would run them (a `sh -c` script stays one argument). */
  argv: string[];
  /** The container's environment, resolved from env and envFrom (Secrets, ConfigMaps, fieldRefs). */
  env: Record<string, string>;
  fs: PodFilesystem;
  /** Appends a line to the container's log (what `kubectl logs` shows). */
  log(line: string): void;
  /** The twin's apps domain, e.g. apps.twin.local. */
  appsDomain: string;
}

/** Thrown by `start` when the container exits at once (bad configuration): the pod crash-loops with this message. */
export class ContainerExit extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'ContainerExit';
  }
}

/** Plays one kind of image. */
export interface ImageEmulator {
  /** A short name for logs, e.g. `minio`. */
  readonly name: string;
  /** True when this emulator plays the image (matched by repository name, never by tag). */
  matches(image: string): boolean;
  /** Starts playing a container; throw ContainerExit for a container that exits at once. */
  start(ctx: ContainerContext): ContainerEmulator;
}

/** The repository part of an image reference: `quay.io/minio/minio:latest` → `quay.io/minio/minio`. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const noDigest = at >= 0 ? image.slice(0, at) : image;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** The last path element of the repository: `registry.redhat.io/rhoai/odh-minio-rhel9` → `odh-minio-rhel9`. */
export function imageBaseName(image: string): string {
  const repo = imageRepository(image);
  return repo.slice(repo.lastIndexOf('/') + 1);
}
