// The commands every emulated container understands, and a small POSIX-like shell for `sh -c` /
// `bash -c` scripts: words with quotes and $VAR expansion, `;` `&&` `||` `|`, redirections
// (`>` `>>` `<` `2>` `2>&1`), `cd`, `exit`, `export` and VAR=value prefixes. No globbing, no
// command substitution, no control structures: a script that needs them fails with a message that
// says so (exit 2), never silently. An unknown command exits 127 with "command not found".
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { CommandContext, CommandHandler } from './types';

/** What a command line runs with: a command's context without its argv and its way to run others. */
export type ExecIO = Omit<CommandContext, 'argv' | 'run'>;

/** Runs argv with the container's commands (emulator commands first, then the core ones). */
export async function runCommand(commands: Readonly<Record<string, CommandHandler>>, argv: string[], io: ExecIO): Promise<number> {
  if (!argv.length) return 0;
  const name = path.posix.basename(argv[0]);
  const handler = commands[name] ?? CORE_COMMANDS[name];
  if (!handler) {
    io.stderr(`${argv[0]}: command not found\n`);
    return 127;
  }
  const ctx: CommandContext = {
    argv,
    env: io.env,
    cwd: io.cwd,
    fs: io.fs,
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    signal: io.signal,
    run: (next, over = {}) => runCommand(commands, next, { ...io, ...over }),
  };
  try {
    return await handler(ctx);
  } catch (err) {
    if (io.signal.aborted) return 137;
    io.stderr(`${name}: ${errorText(err)}\n`);
    return 1;
  }
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'No such file or directory';
  if (e.code === 'EISDIR') return 'Is a directory';
  if (e.code === 'ENOTDIR') return 'Not a directory';
  if (e.code === 'EEXIST') return 'File exists';
  if (e.code === 'ENOTEMPTY') return 'Directory not empty';
  return e.message ?? String(err);
}

const text = (ctx: CommandContext, s: string) => ctx.stdout(s);

export const CORE_COMMANDS: Readonly<Record<string, CommandHandler>> = {
  true: () => 0,
  false: () => 1,
  echo: (ctx) => {
    const args = ctx.argv.slice(1);
    const noNewline = args[0] === '-n';
    text(ctx, (noNewline ? args.slice(1) : args).join(' ') + (noNewline ? '' : '\n'));
    return 0;
  },
  pwd: (ctx) => (text(ctx, ctx.cwd + '\n'), 0),
  env: (ctx) => (
    text(
      ctx,
      Object.entries(ctx.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    ),
    0
  ),
  printenv: (ctx) => {
    const names = ctx.argv.slice(1);
    if (!names.length)
      return (
        text(
          ctx,
          Object.entries(ctx.env)
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        ),
        0
      );
    let code = 0;
    for (const n of names) {
      if (n in ctx.env) text(ctx, ctx.env[n] + '\n');
      else code = 1;
    }
    return code;
  },
  cat: async (ctx) => {
    const files = ctx.argv.slice(1);
    if (!files.length) return (ctx.stdout(await ctx.stdin()), 0);
    let code = 0;
    for (const f of files) {
      try {
        ctx.stdout(f === '-' ? await ctx.stdin() : await ctx.fs.readFile(f, ctx.cwd));
      } catch (err) {
        ctx.stderr(`cat: ${f}: ${errorText(err)}\n`);
        code = 1;
      }
    }
    return code;
  },
  ls: async (ctx) => {
    const args = ctx.argv.slice(1);
    const long = args.some((a) => /^-[a-zA-Z]*l/.test(a));
    const all = args.some((a) => /^-[a-zA-Z]*a/.test(a));
    const targets = args.filter((a) => !a.startsWith('-'));
    let code = 0;
    for (const t of targets.length ? targets : ['.']) {
      try {
        const st = await ctx.fs.stat(t, ctx.cwd);
        const names = st.isDirectory() ? (await ctx.fs.readdir(t, ctx.cwd)).filter((n) => all || !n.startsWith('.')) : [t];
        if (targets.length > 1) text(ctx, `${t}:\n`);
        for (const n of names) {
          if (!long) text(ctx, n + '\n');
          else {
            const s = st.isDirectory() ? await ctx.fs.stat(path.posix.join(t, n), ctx.cwd).catch(() => undefined) : st;
            text(ctx, `${s?.isDirectory() ? 'd' : '-'}rw-r--r-- 1 1000 1000 ${String(s?.size ?? 0).padStart(8)} ${n}\n`);
          }
        }
      } catch (err) {
        ctx.stderr(`ls: cannot access '${t}': ${errorText(err)}\n`);
        code = 2;
      }
    }
    return code;
  },
  mkdir: async (ctx) => {
    const recursive = ctx.argv.includes('-p');
    for (const d of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) await ctx.fs.mkdir(d, { cwd: ctx.cwd, recursive });
    return 0;
  },
  touch: async (ctx) => {
    for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) await ctx.fs.writeFile(f, '', { cwd: ctx.cwd, append: true });
    return 0;
  },
  rm: async (ctx) => {
    const flags = ctx.argv
      .slice(1)
      .filter((a) => a.startsWith('-'))
      .join('');
    const recursive = /[rR]/.test(flags);
    const force = flags.includes('f');
    let code = 0;
    for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
      const host = ctx.fs.writablePath(f, ctx.cwd);
      try {
        const st = await fsp.stat(host);
        if (st.isDirectory() && !recursive) {
          ctx.stderr(`rm: cannot remove '${f}': Is a directory\n`);
          code = 1;
          continue;
        }
        await fsp.rm(host, { recursive, force });
      } catch (err) {
        if (force && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        ctx.stderr(`rm: cannot remove '${f}': ${errorText(err)}\n`);
        code = 1;
      }
    }
    return code;
  },
  sleep: (ctx) => {
    const seconds = Number(ctx.argv[1] ?? 'x');
    if (!Number.isFinite(seconds) || seconds < 0) return (ctx.stderr(`sleep: invalid time interval '${ctx.argv[1] ?? ''}'\n`), 1);
    return new Promise<number>((resolve) => {
      const timer = setTimeout(() => resolve(0), seconds * 1000);
      ctx.signal.addEventListener('abort', () => (clearTimeout(timer), resolve(137)), { once: true });
    });
  },
  sh: (ctx) => shell(ctx),
  bash: (ctx) => shell(ctx),
};

// ---- the shell ----

type Part = { text: string; quote: 'none' | 'single' | 'double' };
type Token = { kind: 'word'; parts: Part[] } | { kind: 'op'; op: string };

class ShellSyntaxError extends Error {}

async function shell(ctx: CommandContext): Promise<number> {
  const args = ctx.argv.slice(1);
  const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  let script: string;
  if (c >= 0) {
    if (args[c + 1] === undefined) return (ctx.stderr(`${ctx.argv[0]}: -c: option requires an argument\n`), 2);
    script = args[c + 1];
  } else if (args.find((a) => !a.startsWith('-'))) {
    const file = args.find((a) => !a.startsWith('-'))!;
    try {
      script = (await ctx.fs.readFile(file, ctx.cwd)).toString('utf8');
    } catch {
      return (ctx.stderr(`${ctx.argv[0]}: ${file}: No such file or directory\n`), 127);
    }
  } else script = (await ctx.stdin()).toString('utf8');
  const name = path.posix.basename(ctx.argv[0]);
  try {
    return await new Shell(ctx, name).run(tokenize(script));
  } catch (err) {
    if (err instanceof ShellSyntaxError) return (ctx.stderr(`${name}: ${err.message}\n`), 2);
    throw err;
  }
}

const OPERATORS = ['2>&1', '1>&2', '>&2', '2>>', '&&', '||', '>>', '&>', '2>', ';', '|', '>', '<', '\n', '&'];

function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let parts: Part[] | undefined;
  let i = 0;
  const push = (p: Part) => (parts ??= []).push(p);
  const endWord = () => {
    if (parts) tokens.push({ kind: 'word', parts });
    parts = undefined;
  };
  while (i < script.length) {
    const ch = script[i];
    if (ch === '#' && !parts) {
      while (i < script.length && script[i] !== '\n') i++;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      endWord();
      i++;
      continue;
    }
    if (ch === '\\' && script[i + 1] === '\n') {
      i += 2;
      continue;
    }
    // `2>` and `1>&2` are operators only at the start of a word (`a2>b` is the word a2 then >).
    const op = OPERATORS.find((o) => script.startsWith(o, i) && (!parts || !/^[12]/.test(o)));
    if (op) {
      endWord();
      if (op === '&') throw new ShellSyntaxError('background jobs (&) are not supported by the twin');
      tokens.push({ kind: 'op', op });
      i += op.length;
      continue;
    }
    if (ch === "'") {
      const end = script.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''");
      push({ text: script.slice(i + 1, end), quote: 'single' });
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length && '"\\$`'.includes(script[j + 1])) {
          s += script[j] === '\\' && script[j + 1] === '$' ? '\\$' : script[j + 1];
          j += 2;
        } else s += script[j++];
      }
      if (j >= script.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'');
      push({ text: s, quote: 'double' });
      i = j + 1;
      continue;
    }
    let j = i;
    let s = '';
    while (j < script.length && !` \t'"\n;|&<>`.includes(script[j])) {
      if (script[j] === '\\' && j + 1 < script.length) {
        s += script[j + 1] === '$' ? '\\$' : script[j + 1];
        j += 2;
      } else s += script[j++];
    }
    push({ text: s, quote: 'none' });
    i = j;
  }
  endWord();
  return tokens;
}

interface SimpleCommand {
  words: Part[][];
  redirects: { op: string; target?: Part[] }[];
}

class ExitSignal {
  constructor(readonly code: number) {}
}

class Shell {
  private cwd: string;
  private readonly env: Record<string, string>;
  private status = 0;

  constructor(
    private readonly ctx: CommandContext,
    private readonly name: string,
  ) {
    this.cwd = ctx.cwd;
    this.env = { ...ctx.env };
  }

  async run(tokens: Token[]): Promise<number> {
    // Split into and-or lists at ; and newlines.
    let i = 0;
    try {
      while (i < tokens.length) {
        let pending: string | undefined;
        let skip = false;
        for (;;) {
          const { pipeline, next } = this.readPipeline(tokens, i);
          i = next;
          if (pipeline.length) {
            if (!skip) this.status = await this.runPipeline(pipeline);
          } else if (pending) throw new ShellSyntaxError(`syntax error near unexpected token \`${pending}'`);
          const t = tokens[i];
          if (t?.kind === 'op' && (t.op === '&&' || t.op === '||')) {
            pending = t.op;
            skip = t.op === '&&' ? this.status !== 0 : this.status === 0;
            i++;
            continue;
          }
          break;
        }
        if (tokens[i]?.kind === 'op') i++;
        if (this.ctx.signal.aborted) return 137;
      }
    } catch (e) {
      if (e instanceof ExitSignal) return e.code;
      throw e;
    }
    return this.status;
  }

  private readPipeline(tokens: Token[], start: number): { pipeline: SimpleCommand[]; next: number } {
    const pipeline: SimpleCommand[] = [];
    let cmd: SimpleCommand = { words: [], redirects: [] };
    let i = start;
    for (; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'word') {
        cmd.words.push(t.parts);
        continue;
      }
      if (['>', '>>', '<', '2>', '2>>', '&>'].includes(t.op)) {
        const target = tokens[i + 1];
        if (target?.kind !== 'word')
          throw new ShellSyntaxError(
            `syntax error near unexpected token \`${target?.kind === 'op' ? target.op.replace('\n', 'newline') : 'newline'}'`,
          );
        cmd.redirects.push({ op: t.op, target: target.parts });
        i++;
        continue;
      }
      if (t.op === '2>&1' || t.op === '>&2' || t.op === '1>&2') {
        cmd.redirects.push({ op: t.op });
        continue;
      }
      if (t.op === '|') {
        if (!cmd.words.length) throw new ShellSyntaxError("syntax error near unexpected token `|'");
        pipeline.push(cmd);
        cmd = { words: [], redirects: [] };
        continue;
      }
      break;
    }
    if (cmd.words.length || cmd.redirects.length) pipeline.push(cmd);
    return { pipeline, next: i };
  }

  private expand(parts: Part[]): string {
    return parts
      .map((p) => {
        if (p.quote === 'single') return p.text;
        if (/\$\(|`/.test(p.text.replace(/\\\$/g, ''))) throw new ShellSyntaxError('command substitution is not supported by the twin');
        return p.text
          .replace(/(\\)?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?))/g, (m, esc, a, b, q) =>
            esc ? m.slice(1) : q ? String(this.status) : (this.env[a ?? b] ?? ''),
          )
          .replace(/\\\$/g, '$');
      })
      .join('');
  }

  private async runPipeline(pipeline: SimpleCommand[]): Promise<number> {
    let input: Buffer | undefined;
    let code = 0;
    for (let n = 0; n < pipeline.length; n++) {
      const last = n === pipeline.length - 1;
      const chunks: Buffer[] = [];
      const stdinNow = input;
      code = await this.runSimple(pipeline[n], {
        stdin: stdinNow !== undefined ? async () => stdinNow : n === 0 ? this.ctx.stdin : async () => Buffer.alloc(0),
        stdout: last ? this.ctx.stdout : (c) => chunks.push(Buffer.from(c)),
      });
      input = Buffer.concat(chunks);
    }
    return code;
  }

  private async runSimple(cmd: SimpleCommand, io: { stdin: () => Promise<Buffer>; stdout: (c: string | Buffer) => void }): Promise<number> {
    const words = cmd.words.map((w) => this.expand(w));
    const assignments: Record<string, string> = {};
    while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
      const w = words.shift()!;
      const eq = w.indexOf('=');
      assignments[w.slice(0, eq)] = w.slice(eq + 1);
    }
    if (!words.length) {
      Object.assign(this.env, assignments);
      return 0;
    }
    let stdout = io.stdout;
    let stderr = this.ctx.stderr;
    let stdin = io.stdin;
    const files: { file: string; append: boolean; data: Buffer[] }[] = [];
    for (const r of cmd.redirects) {
      if (r.op === '2>&1') {
        stderr = stdout;
        continue;
      }
      if (r.op === '>&2' || r.op === '1>&2') {
        stdout = stderr;
        continue;
      }
      const target = this.expand(r.target!);
      if (target === '/dev/null') {
        if (r.op === '<') stdin = async () => Buffer.alloc(0);
        else if (r.op === '&>') stdout = stderr = () => undefined;
        else if (r.op.startsWith('2')) stderr = () => undefined;
        else stdout = () => undefined;
        continue;
      }
      if (r.op === '<') {
        const data = await this.ctx.fs.readFile(target, this.cwd).catch(() => undefined);
        if (!data) return (this.ctx.stderr(`${this.name}: ${target}: No such file or directory\n`), 1);
        stdin = async () => data;
        continue;
      }
      const sink = { file: target, append: r.op.endsWith('>>'), data: [] as Buffer[] };
      files.push(sink);
      const write = (c: string | Buffer) => void sink.data.push(Buffer.from(c));
      if (r.op === '&>') stdout = stderr = write;
      else if (r.op.startsWith('2')) stderr = write;
      else stdout = write;
    }
    const builtin = await this.builtin(words, stdout, stderr);
    let code: number;
    if (builtin !== undefined) code = builtin;
    else code = await this.ctx.run(words, { stdin, stdout, stderr, cwd: this.cwd, env: { ...this.env, ...assignments } });
    for (const f of files) {
      try {
        await this.ctx.fs.writeFile(f.file, Buffer.concat(f.data), { cwd: this.cwd, append: f.append });
      } catch (err) {
        this.ctx.stderr(`${this.name}: ${f.file}: ${errorText(err)}\n`);
        code = 1;
      }
    }
    return code;
  }

  private async builtin(words: string[], stdout: (c: string) => void, stderr: (c: string) => void): Promise<number | undefined> {
    switch (words[0]) {
      case 'exit':
        throw new ExitSignal(words[1] === undefined ? this.status : Number(words[1]) & 255);
      case 'cd': {
        const target = path.posix.resolve(this.cwd, words[1] ?? this.env.HOME ?? '/');
        const st = await this.ctx.fs.stat(target).catch(() => undefined);
        if (!st?.isDirectory()) return (stderr(`${this.name}: cd: ${words[1]}: No such file or directory\n`), 1);
        this.cwd = target;
        return 0;
      }
      case 'export':
        for (const w of words.slice(1)) {
          const eq = w.indexOf('=');
          if (eq > 0) this.env[w.slice(0, eq)] = w.slice(eq + 1);
        }
        return 0;
      case 'set':
        return 0;
      case 'pwd':
        return (stdout(this.cwd + '\n'), 0);
      default:
        return undefined;
    }
  }
}
