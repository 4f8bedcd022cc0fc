// `git` in a workbench: clone the tutorial repository (the twin's replica, for the URLs it knows as
// that repository or a mirror of it), and the questions a person asks a clone (rev-parse, the remote's
// URL, the last commit). Anything else the twin cannot fetch fails as git does on a cluster without
// network: "fatal: unable to access '<url>': Could not resolve host: <host>" (exit 128).
import * as path from 'node:path';
import type { CommandContext, CommandHandler } from '../types';
import { isKnownRepository, REPLICA_BRANCHES, REPLICA_DEFAULT_BRANCH, replicaCommit, replicaFiles } from './repository';

export const GIT_VERSION = '2.39.3';
/** The fault under which no Git server is reachable from the cluster. */
export const REPOSITORY_FAULT = 'tutorial-repository-unreachable';

export function gitCommand(faults: { has(name: string): boolean }): CommandHandler {
  return async (ctx) => {
    let args = ctx.argv.slice(1);
    let cwd = ctx.cwd;
    while (args[0] === '-C' || args[0] === '-c') {
      if (args[0] === '-C') cwd = path.posix.resolve(cwd, args[1] ?? '.');
      args = args.slice(2);
    }
    if (args[0] === '--version' || args[0] === 'version') return (ctx.stdout(`git version ${GIT_VERSION}\n`), 0);
    switch (args[0]) {
      case 'clone':
        return clone(ctx, cwd, args.slice(1), faults);
      case 'rev-parse':
      case 'remote':
      case 'log':
      case 'branch':
        return inRepository(ctx, cwd, args);
      case undefined:
        ctx.stderr('usage: git [--version] [-C <path>] <command> [<args>]\n');
        return 1;
      default:
        ctx.stderr(`git: the twin's git runs clone, rev-parse, remote get-url, log -1 and branch; '${args[0]}' is not one of them\n`);
        return 1;
    }
  };
}

async function clone(ctx: CommandContext, cwd: string, args: string[], faults: { has(name: string): boolean }): Promise<number> {
  let branch: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-b' || a === '--branch') branch = args[++i];
    else if (a.startsWith('--branch=')) branch = a.slice('--branch='.length);
    else if (a === '--depth' || a === '--origin' || a === '-o') i++;
    else if (a.startsWith('-'))
      continue; // --single-branch, --depth=1, -q, --no-tags ...
    else positional.push(a);
  }
  const url = positional[0];
  if (!url) {
    ctx.stderr('fatal: You must specify a repository to clone.\n\nusage: git clone [<options>] [--] <repo> [<dir>]\n');
    return 129;
  }
  const dirName = positional[1] ?? path.posix.basename(url.replace(/\/+$/, '')).replace(/\.git$/, '');
  const target = path.posix.resolve(cwd, dirName);
  const existing = await ctx.fs.readdir(target).catch(() => undefined);
  if (existing && existing.length > 0) {
    ctx.stderr(`fatal: destination path '${dirName}' already exists and is not an empty directory.\n`);
    return 128;
  }
  ctx.stderr(`Cloning into '${dirName}'...\n`);
  if (faults.has(REPOSITORY_FAULT) || !isKnownRepository(url)) {
    ctx.stderr(`fatal: unable to access '${url}': Could not resolve host: ${hostOf(url)}\n`);
    return 128;
  }
  const ref = branch ?? REPLICA_DEFAULT_BRANCH;
  if (!REPLICA_BRANCHES.includes(ref)) {
    ctx.stderr(`warning: Could not find remote branch ${ref} to clone.\nfatal: Remote branch ${ref} not found in upstream origin\n`);
    return 128;
  }
  const files = replicaFiles();
  try {
    await ctx.fs.mkdir(target, { recursive: true });
    for (const [file, data] of files) {
      const full = path.posix.join(target, file);
      await ctx.fs.mkdir(path.posix.dirname(full), { recursive: true });
      await ctx.fs.writeFile(full, data);
    }
    const commit = replicaCommit();
    const git = path.posix.join(target, '.git');
    await ctx.fs.mkdir(path.posix.join(git, 'refs', 'heads'), { recursive: true });
    await ctx.fs.mkdir(path.posix.join(git, 'refs', 'remotes', 'origin'), { recursive: true });
    await ctx.fs.writeFile(path.posix.join(git, 'HEAD'), `ref: refs/heads/${ref}\n`);
    await ctx.fs.writeFile(path.posix.join(git, 'refs', 'heads', ref), `${commit}\n`);
    await ctx.fs.writeFile(path.posix.join(git, 'refs', 'remotes', 'origin', ref), `${commit}\n`);
    await ctx.fs.writeFile(
      path.posix.join(git, 'config'),
      `[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch "${ref}"]\n\tremote = origin\n\tmerge = refs/heads/${ref}\n`,
    );
  } catch (e) {
    ctx.stderr(`fatal: could not create work tree dir '${dirName}': ${(e as Error).message}\n`);
    return 128;
  }
  const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
  ctx.stderr(
    `remote: Enumerating objects: ${files.size}, done.\nReceiving objects: 100% (${files.size}/${files.size}), ${(bytes / 1048576).toFixed(2)} MiB, done.\n`,
  );
  return 0;
}

async function inRepository(ctx: CommandContext, cwd: string, args: string[]): Promise<number> {
  const root = await findRoot(ctx, cwd);
  if (!root) {
    ctx.stderr('fatal: not a git repository (or any of the parent directories): .git\n');
    return 128;
  }
  const read = async (p: string) => (await ctx.fs.readFile(path.posix.join(root, '.git', p))).toString('utf8').trim();
  const head = await read('HEAD');
  const branch = head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : undefined;
  const commit = branch ? await read(`refs/heads/${branch}`) : head;
  const config = await read('config');
  const url = /\[remote "origin"\][^[]*?url = (\S+)/.exec(config)?.[1];
  const [cmd, ...rest] = args;
  if (cmd === 'rev-parse') {
    if (rest.includes('--abbrev-ref') && rest.includes('HEAD')) return (ctx.stdout(`${branch ?? 'HEAD'}\n`), 0);
    if (rest.includes('--show-toplevel')) return (ctx.stdout(`${root}\n`), 0);
    if (rest.includes('HEAD')) return (ctx.stdout(`${commit}\n`), 0);
  } else if (cmd === 'remote' && rest[0] === 'get-url' && rest[1] === 'origin' && url) {
    return (ctx.stdout(`${url}\n`), 0);
  } else if (cmd === 'log' && rest.includes('-1')) {
    const format = rest.find((a) => a.startsWith('--format=') || a.startsWith('--pretty=format:'));
    if (format?.endsWith('%H')) return (ctx.stdout(`${commit}\n`), 0);
    return (
      ctx.stdout(
        `commit ${commit}${branch ? ` (HEAD -> ${branch}, origin/${branch})` : ''}\nAuthor: rhoai-twin <twin@rhoai.local>\n\n    Replica of the fraud-detection tutorial at ${branch ?? commit}\n`,
      ),
      0
    );
  } else if (cmd === 'branch') {
    return (ctx.stdout(`* ${branch ?? '(HEAD detached)'}\n`), 0);
  }
  ctx.stderr(`git: the twin's git does not answer "git ${args.join(' ')}"\n`);
  return 1;
}

async function findRoot(ctx: CommandContext, cwd: string): Promise<string | undefined> {
  for (let dir = cwd; ; dir = path.posix.dirname(dir)) {
    const st = await ctx.fs.stat(path.posix.join(dir, '.git')).catch(() => undefined);
    if (st?.isDirectory()) return dir;
    if (dir === '/') return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return /^(?:[\w+]+:\/\/)?(?:[^@/]+@)?([^/:]+)/.exec(url)?.[1] ?? url;
  }
}
