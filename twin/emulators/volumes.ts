// Where emulated containers keep their files. A PersistentVolumeClaim's data lives in a directory of
// its own for as long as the claim exists (a new pod on the same claim finds it again); emptyDir
// volumes and a container's writable layer live and die with the pod; Secret and ConfigMap volumes
// are written once when the pod starts. A PodFilesystem maps the paths a container sees onto these
// directories through its volumeMounts, as the kubelet's bind mounts do.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KObject } from '../api/types';
import { ContainerExit } from './types';

export interface Mount {
  /** Absolute path inside the container. */
  mountPath: string;
  /** The directory on the twin's host. */
  hostDir: string;
  readOnly: boolean;
}

/** Reads objects the way the kubelet does when it mounts volumes. */
export type ObjectLookup = (apiVersion: string, kind: string, name: string, namespace: string) => KObject | undefined;

export class VolumeStore {
  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  /** The directory of a claim (by uid: a claim deleted and made again starts empty, as a new volume does). */
  claimDir(claim: KObject): string {
    return this.ensure(path.join(this.root, 'pvc', claim.metadata.uid!));
  }

  podDir(podUid: string): string {
    return path.join(this.root, 'pods', podUid);
  }

  /** Forgets a pod: its emptyDirs, Secret/ConfigMap volumes and writable layers. */
  removePod(podUid: string): void {
    fs.rmSync(this.podDir(podUid), { recursive: true, force: true });
  }

  /** Forgets a claim's data (the PV's reclaim policy Delete, the default of dynamic provisioning). */
  removeClaim(uid: string): void {
    fs.rmSync(path.join(this.root, 'pvc', uid), { recursive: true, force: true });
  }

  /** Prepares every volume a container mounts; throws ContainerExit naming what is missing (as the kubelet's MountVolume.SetUp events do). */
  filesystemFor(pod: KObject, container: KObject, lookup: ObjectLookup): PodFilesystem {
    const ns = pod.metadata.namespace!;
    const podDir = this.podDir(pod.metadata.uid!);
    const volumes = new Map<string, KObject>((pod.spec.volumes ?? []).map((v: KObject) => [v.name, v]));
    const mounts: Mount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const volume = volumes.get(m.name);
      if (!volume) throw new ContainerExit(`Error: volume "${m.name}" not found in pod spec`);
      let dir: string;
      let readOnly = !!m.readOnly;
      if (volume.persistentVolumeClaim) {
        const claim = lookup('v1', 'PersistentVolumeClaim', volume.persistentVolumeClaim.claimName, ns);
        if (!claim) throw new ContainerExit(`persistentvolumeclaim "${volume.persistentVolumeClaim.claimName}" not found`);
        dir = this.claimDir(claim);
        readOnly ||= !!volume.persistentVolumeClaim.readOnly;
      } else if (volume.secret || volume.configMap) {
        dir = this.ensure(path.join(podDir, 'volumes', volume.name));
        this.writeKeys(dir, volume, ns, lookup);
        readOnly = true;
      } else {
        // emptyDir, and kinds the twin does not model (projected, downwardAPI) as empty directories.
        dir = this.ensure(path.join(podDir, 'volumes', volume.name));
      }
      if (m.subPath) {
        // A subPath names a file or a directory of the volume (a ConfigMap key mounted as one file).
        const sub = path.join(dir, m.subPath);
        dir = fs.existsSync(sub) && !fs.statSync(sub).isDirectory() ? sub : this.ensure(sub);
      }
      mounts.push({ mountPath: path.posix.normalize(m.mountPath), hostDir: dir, readOnly });
    }
    const rootDir = this.ensure(path.join(podDir, 'rootfs', container.name));
    return new PodFilesystem(rootDir, mounts);
  }

  private writeKeys(dir: string, volume: KObject, ns: string, lookup: ObjectLookup): void {
    const source = volume.secret ?? volume.configMap;
    const kind = volume.secret ? 'Secret' : 'ConfigMap';
    const name = volume.secret ? source.secretName : source.name;
    const obj = lookup('v1', kind, name, ns);
    if (!obj) {
      if (source.optional) return;
      throw new ContainerExit(`MountVolume.SetUp failed for volume "${volume.name}" : ${kind.toLowerCase()} "${name}" not found`);
    }
    const entries: [string, Buffer][] = volume.secret
      ? Object.entries((obj.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64')])
      : [
          ...Object.entries((obj.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]),
          ...Object.entries((obj.binaryData ?? {}) as Record<string, string>).map(
            ([k, v]) => [k, Buffer.from(v, 'base64')] as [string, Buffer],
          ),
        ];
    const items: { key: string; path: string }[] | undefined = source.items;
    for (const [key, value] of entries) {
      const target = items ? items.find((i) => i.key === key)?.path : key;
      if (!target) continue;
      const file = path.join(dir, target);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, value, { mode: 0o644 });
    }
  }

  private ensure(dir: string): string {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
}

export class ReadOnlyFilesystemError extends Error {
  readonly code = 'EROFS';
}

/** A container's view of files: absolute container paths resolved through its mounts. */
export class PodFilesystem {
  constructor(
    readonly rootDir: string,
    readonly mounts: readonly Mount[],
  ) {}

  /** The host path of a container path (relative paths from `cwd`), and whether it is read-only. */
  resolve(p: string, cwd = '/'): { hostPath: string; readOnly: boolean; containerPath: string } {
    const containerPath = path.posix.resolve(cwd, p);
    const mount = [...this.mounts]
      .filter((m) => containerPath === m.mountPath || containerPath.startsWith(m.mountPath.endsWith('/') ? m.mountPath : m.mountPath + '/'))
      .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (!mount) return { hostPath: path.join(this.rootDir, containerPath), readOnly: false, containerPath };
    const rest = containerPath.slice(mount.mountPath.length);
    return { hostPath: path.join(mount.hostDir, rest), readOnly: mount.readOnly, containerPath };
  }

  hostPath(p: string, cwd = '/'): string {
    return this.resolve(p, cwd).hostPath;
  }

  /** The host path of a container path that is about to be written (EROFS on a read-only mount). */
  writablePath(p: string, cwd = '/'): string {
    const r = this.resolve(p, cwd);
    if (r.readOnly) throw new ReadOnlyFilesystemError(`${r.containerPath}: Read-only file system`);
    return r.hostPath;
  }

  readFile(p: string, cwd = '/'): Promise<Buffer> {
    return fs.promises.readFile(this.hostPath(p, cwd));
  }

  async writeFile(p: string, data: string | Buffer, opts: { cwd?: string; append?: boolean } = {}): Promise<void> {
    const file = this.writablePath(p, opts.cwd);
    await fs.promises.writeFile(file, data, { flag: opts.append ? 'a' : 'w' });
  }

  async mkdir(p: string, opts: { cwd?: string; recursive?: boolean } = {}): Promise<void> {
    await fs.promises.mkdir(this.writablePath(p, opts.cwd), { recursive: opts.recursive });
  }

  stat(p: string, cwd = '/'): Promise<fs.Stats> {
    return fs.promises.stat(this.hostPath(p, cwd));
  }

  /** Entries of a directory, with the mount points directly below it (as `ls /` shows /data). */
  async readdir(p: string, cwd = '/'): Promise<string[]> {
    const r = this.resolve(p, cwd);
    const names = new Set(
      await fs.promises.readdir(r.hostPath).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' && this.mounts.some((m) => path.posix.dirname(m.mountPath) === r.containerPath)) return [] as string[];
        throw e;
      }),
    );
    for (const m of this.mounts)
      if (path.posix.dirname(m.mountPath) === r.containerPath && m.mountPath !== '/') names.add(path.posix.basename(m.mountPath));
    return [...names].sort();
  }
}
