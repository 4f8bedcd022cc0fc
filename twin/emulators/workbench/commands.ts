// The commands of a workbench image beyond the shell: `jupyter nbconvert --to notebook --execute`
// (the real command that runs a notebook headless in the real images: every code cell in a kernel
// whose working directory is the notebook's, the executed notebook written next to it, a
// CellExecutionError and exit 1 when a cell raises), `pip` (install: only what the image has is
// "already satisfied"; download: the index of PIP_INDEX_URL, else pip's default https://pypi.org/simple,
// answers for the packages the twin knows — the twin's workbenches have egress, as on a connected
// cluster; the fault workbench-no-egress takes it away), `python --version`, and `code-server
// --version` in the code-server image. Anything else fails with a message that says what the twin runs.
// pip's words follow pip 23.3 (src/pip/_internal/cli/req_command.py "Looking in indexes",
// index/collector.py's connection warning, resolution's "No matching distribution found").
import * as path from 'node:path';
import type { ClusterNetwork } from '../../network/cluster-network';
import type { CommandContext, CommandHandler } from '../types';
import type { WorkbenchImage } from './images';
import { installFromIndex, PythonKernel, runPythonFile, sdkIndex, usesCodeflareSdk } from '../codeflare-sdk/index';
import { TutorialKernel, type CellOutput } from './kernel';

export interface WorkbenchCommandDeps {
  image: WorkbenchImage;
  namespace: string;
  network: ClusterNetwork;
  faults: { has(name: string): boolean };
}

const SITE = (image: WorkbenchImage) => `/opt/app-root/lib/python${image.python.split('.').slice(0, 2).join('.')}/site-packages`;

/** The workbench has no route out of the cluster: no package index answers (pip download and install fail naming it). */
export const NO_EGRESS_FAULT = 'workbench-no-egress';
const DEFAULT_INDEX = 'https://pypi.org/simple';
/** What the emulated index holds beyond the image's own packages: the tutorial's notebooks' installs (versions of May 2024). */
const INDEX_PACKAGES: Record<string, string> = {
  onnx: '1.16.0',
  onnxruntime: '1.17.3',
  seaborn: '0.13.2',
  tf2onnx: '1.16.1',
  boto3: '1.34.113',
  botocore: '1.34.113',
};

function unreachable(ctx: CommandContext, index: string, spec: string, name: string): number {
  const host = (() => {
    try {
      return new URL(index).host;
    } catch {
      return index;
    }
  })();
  ctx.stderr(
    `WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3a2c1d5e50>: Failed to establish a new connection: [Errno 101] Network is unreachable')': ${new URL(`${name}/`, index.endsWith('/') ? index : `${index}/`).pathname}\n` +
      `ERROR: Could not find a version that satisfies the requirement ${spec} (from versions: none)\nERROR: No matching distribution found for ${spec}\n` +
      `(${host} could not be reached)\n`,
  );
  return 1;
}

/** pip download --no-deps [--dest DIR] SPEC...: fetched from the index when the workbench reaches it. */
function pipDownload(deps: WorkbenchCommandDeps, installed: Map<string, string>, ctx: CommandContext, args: string[]): number {
  const index = ctx.env.PIP_INDEX_URL || DEFAULT_INDEX;
  if (index !== DEFAULT_INDEX) ctx.stdout(`Looking in indexes: ${index}\n`);
  const wanted: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (['-d', '--dest', '-i', '--index-url', '--trusted-host'].includes(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) wanted.push(args[i]!);
  }
  for (const spec of wanted) {
    const name = spec
      .toLowerCase()
      .replace(/_/g, '-')
      .replace(/[<>=!~].*$/, '');
    if (deps.faults.has(NO_EGRESS_FAULT)) return unreachable(ctx, index, spec, name);
    const version = INDEX_PACKAGES[name] ?? installed.get(name);
    ctx.stdout(`Collecting ${spec}\n`);
    if (!version) {
      ctx.stderr(
        `ERROR: Could not find a version that satisfies the requirement ${spec} (from versions: none)\nERROR: No matching distribution found for ${spec}\n`,
      );
      return 1;
    }
    const wheel = `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`;
    ctx.stdout(`  Downloading ${wheel}\nSaved ./${wheel}\n`);
  }
  ctx.stdout(`Successfully downloaded ${wanted.join(' ')}\n`);
  return 0;
}

/** pip's distribution names of the importable modules that differ from them. */
const DISTRIBUTIONS: Record<string, string> = {
  sklearn: 'scikit-learn',
  kafka: 'kafka-python',
  codeflare_sdk: 'codeflare-sdk',
  elyra: 'odh-elyra',
  habana_frameworks: 'habana-torch-plugin',
};

export function pipCommand(deps: WorkbenchCommandDeps): CommandHandler {
  const installed = new Map(
    Object.entries(deps.image.packages).map(([module, version]) => [(DISTRIBUTIONS[module] ?? module).toLowerCase(), version]),
  );
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    if (args[0] === '--version' || args[0] === '-V')
      return (ctx.stdout(`pip 23.3.1 from ${SITE(deps.image)}/pip (python ${deps.image.python.split('.').slice(0, 2).join('.')})\n`), 0);
    if (args[0] === 'list') {
      ctx.stdout(`Package${' '.repeat(24)}Version\n${'-'.repeat(30)} ${'-'.repeat(10)}\n`);
      for (const [name, version] of [...installed].sort()) ctx.stdout(`${name.padEnd(30)} ${version}\n`);
      return 0;
    }
    if (args[0] === 'download') return pipDownload(deps, installed, ctx, args.slice(1));
    if (args[0] !== 'install') {
      ctx.stderr(`ERROR: the twin's pip runs install, download, list and --version, not "${args.join(' ')}"\n`);
      return 1;
    }
    const wanted = args.slice(1).filter((a) => !a.startsWith('-'));
    for (const spec of wanted) {
      const m = /^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(==|>=|<=|~=|!=|>|<)?\s*([\w.*]+)?$/.exec(spec);
      const name = (m?.[1] ?? spec).toLowerCase().replace(/_/g, '-');
      const have = installed.get(name) ?? installed.get(name.replace(/-/g, '_'));
      if (have && (!m?.[2] || satisfies(have, m[2], m[3] ?? ''))) {
        ctx.stdout(`Requirement already satisfied: ${m?.[1] ?? spec} in ${SITE(deps.image)} (${have})\n`);
        continue;
      }
      const indexed = sdkIndex(deps.faults)[name];
      if (indexed && !deps.faults.has(NO_EGRESS_FAULT) && (!m?.[2] || satisfies(indexed, m[2], m[3] ?? ''))) {
        await installFromIndex(ctx, SITE(deps.image), name, indexed);
        continue;
      }
      ctx.stdout(`Collecting ${spec}\n`);
      ctx.stderr(
        `WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3a2c1d5e50>: Failed to establish a new connection: [Errno -2] Name or service not known')': /simple/${name}/\n` +
          `ERROR: Could not find a version that satisfies the requirement ${spec} (from versions: none)\nERROR: No matching distribution found for ${spec}\n`,
      );
      return 1;
    }
    return 0;
  };
}

function satisfies(have: string, op: string, want: string): boolean {
  const cmp = compareVersions(have, want.replace(/\.\*$/, ''));
  switch (op) {
    case '==':
      return want.endsWith('.*') ? have.startsWith(want.slice(0, -1)) : cmp === 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      return cmp <= 0;
    case '>':
      return cmp > 0;
    case '<':
      return cmp < 0;
    case '!=':
      return cmp !== 0;
    case '~=':
      return cmp >= 0 && have.split('.')[0] === want.split('.')[0];
    default:
      return true;
  }
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

export function pythonCommand(deps: WorkbenchCommandDeps): CommandHandler {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    if (args[0] === '--version' || args[0] === '-V') return (ctx.stdout(`Python ${deps.image.python}\n`), 0);
    if (args[0] === '-m' && args[1] === 'pip') return pipCommand(deps)({ ...ctx, argv: ['pip', ...args.slice(2)] });
    if (args[0]?.endsWith('.py'))
      return runPythonFile(ctx, args[0], args.slice(1), { site: SITE(deps.image), image: deps.image, network: deps.network });
    ctx.stderr(
      `${ctx.argv[0]}: the twin runs no Python interpreter: it runs notebooks with \`jupyter nbconvert --to notebook --execute <notebook>\` (the fraud-detection tutorial's notebooks), \`pip\` and \`python --version\`\n`,
    );
    return 1;
  };
}

export function jupyterCommand(deps: WorkbenchCommandDeps): CommandHandler {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    if (args[0] === '--version') {
      const p = deps.image.packages;
      ctx.stdout(
        `Selected Jupyter core packages...\nIPython          : 8.18.1\nipykernel        : ${p.ipykernel}\njupyter_client   : 8.6.1\njupyter_core     : 5.7.2\njupyter_server   : ${p.jupyter_server}\njupyterlab       : ${p.jupyterlab}\nnbclient         : ${p.nbclient}\nnbconvert        : ${p.nbconvert}\nnbformat         : 5.10.4\nnotebook         : ${p.notebook}\n`,
      );
      return 0;
    }
    if (args[0] === 'nbconvert') return nbconvert(ctx, args.slice(1), deps);
    ctx.stderr(
      `jupyter: the twin runs \`jupyter nbconvert\` and \`jupyter --version\`; the JupyterLab server itself runs as the container's process (not "jupyter ${args.join(' ')}")\n`,
    );
    return 1;
  };
}

interface NbconvertArgs {
  to?: string;
  execute: boolean;
  inplace: boolean;
  allowErrors: boolean;
  output?: string;
  outputDir?: string;
  notebooks: string[];
}

function parseNbconvert(args: string[]): NbconvertArgs {
  const o: NbconvertArgs = { execute: false, inplace: false, allowErrors: false, notebooks: [] };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] =
      args[i].includes('=') && args[i].startsWith('--')
        ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)]
        : [args[i], undefined];
    const value = () => inline ?? args[++i];
    if (flag === '--to') o.to = value();
    else if (flag === '--execute') o.execute = true;
    else if (flag === '--inplace') o.inplace = true;
    else if (flag === '--allow-errors') o.allowErrors = true;
    else if (flag === '--output') o.output = value();
    else if (flag === '--output-dir') o.outputDir = value();
    else if (flag.startsWith('--ExecutePreprocessor.') || flag.startsWith('--NbConvertApp.') || flag === '--debug') {
      if (inline === undefined && flag.startsWith('--ExecutePreprocessor.') && args[i + 1] && !args[i + 1].startsWith('-')) i++;
    } else if (!flag.startsWith('-')) o.notebooks.push(args[i]);
  }
  return o;
}

async function nbconvert(ctx: CommandContext, args: string[], deps: WorkbenchCommandDeps): Promise<number> {
  const o = parseNbconvert(args);
  if (!o.notebooks.length) {
    ctx.stderr(
      'This application is used to convert notebook files (*.ipynb) to various other formats.\n\n[NbConvertApp] WARNING | pattern [] matched no files\n',
    );
    return 255;
  }
  if ((o.to ?? 'notebook') !== 'notebook') {
    ctx.stderr(`[NbConvertApp] ERROR | the twin's nbconvert writes notebooks (--to notebook), not ${o.to}\n`);
    return 1;
  }
  for (const nb of o.notebooks) {
    const code = await convertOne(ctx, nb, o, deps);
    if (code !== 0) return code;
  }
  return 0;
}

async function convertOne(ctx: CommandContext, file: string, o: NbconvertArgs, deps: WorkbenchCommandDeps): Promise<number> {
  const full = path.posix.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = (await ctx.fs.readFile(full)).toString('utf8');
  } catch {
    ctx.stderr(
      `[NbConvertApp] WARNING | pattern '${file}' matched no files\nThis application is used to convert notebook files (*.ipynb) to various other formats.\n`,
    );
    return 255;
  }
  ctx.stderr(`[NbConvertApp] Converting notebook ${file} to notebook\n`);
  let nb: {
    cells?: { cell_type: string; source: string | string[]; outputs?: CellOutput[]; execution_count?: number | null }[];
    metadata?: { kernelspec?: { name?: string } };
  };
  try {
    nb = JSON.parse(text);
    if (!Array.isArray(nb.cells)) throw new Error('no cells');
  } catch (e) {
    ctx.stderr(
      `Traceback (most recent call last):\n  ...\nnbformat.reader.NotJSONError: Notebook does not appear to be JSON: '${text.slice(0, 40).replace(/\n/g, '\\n')}...' (${(e as Error).message})\n`,
    );
    return 1;
  }
  if (o.execute) {
    const kernelName = nb.metadata?.kernelspec?.name ?? 'python3';
    if (kernelName !== 'python3') {
      ctx.stderr(`Traceback (most recent call last):\n  ...\njupyter_client.kernelspec.NoSuchKernel: No such kernel named ${kernelName}\n`);
      return 1;
    }
    const kernel = usesCodeflareSdk(nb.cells!)
      ? new PythonKernel({
          image: deps.image,
          site: SITE(deps.image),
          env: ctx.env,
          cwd: path.posix.dirname(full),
          fs: ctx.fs,
          network: deps.network,
          signal: ctx.signal,
          faults: deps.faults,
        })
      : new TutorialKernel({
          image: deps.image,
          env: ctx.env,
          cwd: path.posix.dirname(full),
          fs: ctx.fs,
          namespace: deps.namespace,
          network: deps.network,
          run: ctx.run,
          signal: ctx.signal,
          faults: deps.faults,
        });
    try {
      for (const cell of nb.cells!) {
        if (cell.cell_type !== 'code') continue;
        const source = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        if (ctx.signal.aborted) return 137;
        const { outputs, error } = await kernel.execute(source);
        cell.outputs = outputs;
        cell.execution_count = kernel.executionCount;
        if (error && !o.allowErrors) {
          const tb = outputs.find((x): x is Extract<CellOutput, { output_type: 'error' }> => x.output_type === 'error')!;
          ctx.stderr(
            `Traceback (most recent call last):\n  File "/opt/app-root/bin/jupyter-nbconvert", line 8, in <module>\n    sys.exit(main())\n  ...\n  File "${SITE(deps.image)}/nbclient/client.py", line 1009, in _check_raise_for_error\n    raise CellExecutionError.from_cell_and_msg(cell, exec_reply_content)\n` +
              `nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:\n------------------\n${source}\n------------------\n\n\n${tb.traceback.join('\n')}\n\n`,
          );
          return 1;
        }
      }
    } finally {
      kernel.shutdown();
    }
  }
  const out = o.inplace
    ? full
    : path.posix.join(
        o.outputDir ? path.posix.resolve(ctx.cwd, o.outputDir) : path.posix.dirname(full),
        `${(o.output ?? `${path.posix.basename(full, '.ipynb')}.nbconvert`).replace(/\.ipynb$/, '')}.ipynb`,
      );
  const json = `${JSON.stringify(nb, null, 1)}\n`;
  await ctx.fs.writeFile(out, json);
  ctx.stderr(`[NbConvertApp] Writing ${Buffer.byteLength(json)} bytes to ${path.posix.relative(ctx.cwd, out) || out}\n`);
  return 0;
}

export function codeServerCommand(): CommandHandler {
  return (ctx) => {
    if (ctx.argv[1] === '--version') return (ctx.stdout('4.22.0 5c5afb7e9e23a4d5af52a3b22e2b1c4cda8d9da6 with Code 1.88.0\n'), 0);
    ctx.stderr("code-server: the twin runs code-server as the container's process; only `code-server --version` can be exec'd\n");
    return 1;
  };
}
