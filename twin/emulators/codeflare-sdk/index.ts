// The CodeFlare SDK 0.16 as the twin's workbenches and pipeline tasks run it. The notebooks of the
// distributed-workloads tutorial (codeflare-sdk v0.16.0 demo-notebooks/guided-demos) import
// codeflare_sdk: such a notebook runs in a real Python kernel (the machine's python3, one process
// per notebook run, py/_twin_kernel.py) whose codeflare_sdk and ray.job_submission are the twin's
// stand-ins in py/ — the same public names, making the same Kubernetes and Ray API calls the SDK
// makes (codeflare-sdk v0.16.0 src/codeflare_sdk/cluster/{auth,cluster}.py, utils/generate_yaml.py,
// job/ray_jobs.py; ray 2.7 dashboard/modules/job/sdk.py), on the standard library. What a notebook
// does beyond them (other packages) fails with Python's own ModuleNotFoundError.
// The SDK's wait_ready() sleeps five seconds between looks; the twin's clock runs that sleep
// RHOAI_TWIN_SDK_CLOCK_RATE times faster (default 20).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { ClusterNetwork } from '../../network/cluster-network';
import type { CommandContext } from '../types';
import type { PodFilesystem } from '../volumes';
import type { WorkbenchImage } from '../workbench/images';
import type { FaultDefinition } from '../../fault-definition';
import { PythonException, type CellOutput } from '../workbench/kernel';

/** The workbench image's SDK defaults to mcad=True (an SDK older than 0.16): cluster.up() makes an AppWrapper, which 2.9 does not serve. */
export const SDK_APPWRAPPER_FAULT = 'codeflare-sdk-appwrapper-default';
/** The package index the workbenches reach has no codeflare-sdk (a mirror without it). */
export const INDEX_WITHOUT_SDK_FAULT = 'workbench-index-without-codeflare-sdk';
/** The package index pipeline tasks reach has no codeflare-sdk: the task's packages_to_install fails. */
export const TASK_INDEX_WITHOUT_SDK_FAULT = 'pipelines-task-index-without-codeflare-sdk';

export const CODEFLARE_SDK_FAULTS: FaultDefinition[] = [
  {
    name: SDK_APPWRAPPER_FAULT,
    description:
      'The Jupyter images carry a CodeFlare SDK whose ClusterConfiguration defaults to mcad=True (as before 0.16): the notebook\'s cluster.up() creates an AppWrapper, which RHOAI 2.9 does not serve (404, the SDK prints "No instances found"), so no RayCluster is made and wait_ready() times out',
    caughtBy: '@req.TUT-DW-01 or @req.TUT-DW-03',
    expectMessage: 'cluster.up() created no RayCluster',
  },
  {
    name: INDEX_WITHOUT_SDK_FAULT,
    description:
      'The package index the workbenches reach has no codeflare-sdk (a mirror made without it): pip install codeflare-sdk==0.16.0 in the code-server workbench, whose image has no SDK, finds no distribution',
    caughtBy: '@req.CMP-10',
    expectMessage: 'pip install codeflare-sdk==0.16.0 in the code-server workbench failed',
  },
  {
    name: TASK_INDEX_WITHOUT_SDK_FAULT,
    description:
      "The package index pipeline pods reach has no codeflare-sdk: the component's packages_to_install fails before its function runs, and the task fails",
    caughtBy: '@req.TUT-DW-04',
    expectMessage: 'could not install the CodeFlare SDK its component asks for',
  },
];

/** Where the stand-in packages (codeflare_sdk, ray.job_submission) and the kernel live. */
export const SDK_PYTHONPATH = path.join(__dirname, 'py');

/** How much faster than wall time the SDK's sleeps run (RHOAI_TWIN_SDK_CLOCK_RATE, default 20). */
export function sdkClockRate(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RHOAI_TWIN_SDK_CLOCK_RATE;
  if (raw === undefined || raw === '') return 20;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1)
    throw new Error(
      `RHOAI_TWIN_SDK_CLOCK_RATE=${raw} is not allowed: a number >= 1 (how many times faster than wall time the SDK's sleeps run)`,
    );
  return n;
}

/** A cell time limit, as nbconvert's --ExecutePreprocessor.timeout would give one (seconds). */
const CELL_TIME_LIMIT_SECONDS = 300;

/** True when a notebook's code uses the CodeFlare SDK. */
export function usesCodeflareSdk(cells: { cell_type: string; source: string | string[] }[]): boolean {
  return cells.some((c) => c.cell_type === 'code' && /\bcodeflare_sdk\b/.test(Array.isArray(c.source) ? c.source.join('') : c.source));
}

/** The environment of a python3 process of a pod: the pod's own, the stand-ins on its path, route hosts through the router. */
export async function sdkEnvironment(
  podEnv: Record<string, string>,
  network: ClusterNetwork,
  home: string,
  extra: Record<string, string> = {},
): Promise<NodeJS.ProcessEnv> {
  const router = await network.resolve(`router.${network.appsDomain}`, 443).catch(() => undefined);
  const keep = Object.fromEntries(Object.entries(podEnv).filter(([k]) => !['PATH', 'HOME', 'PYTHONPATH', 'PYTHONHOME'].includes(k)));
  return {
    ...keep,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    PYTHONPATH: SDK_PYTHONPATH,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONUNBUFFERED: '1',
    RHOAI_TWIN_SDK_CLOCK_RATE: String(sdkClockRate()),
    ...(router ? { RHOAI_TWIN_ROUTER: `${network.appsDomain}=${router.host}:${router.port}` } : {}),
    ...extra,
  };
}

export interface PythonKernelHost {
  image: WorkbenchImage;
  /** The image's site-packages (where pip installs). */
  site: string;
  env: Record<string, string>;
  /** The kernel's working directory (the notebook's), a container path. */
  cwd: string;
  fs: PodFilesystem;
  network: ClusterNetwork;
  signal: AbortSignal;
  faults: { has(name: string): boolean };
}

interface Answer {
  stdout: string;
  stderr: string;
  result?: string;
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** A real Python kernel for notebooks that use the CodeFlare SDK: the same interface as the tutorial's kernel. */
export class PythonKernel {
  executionCount = 0;
  private process?: ChildProcess;
  private answers?: AsyncIterator<string>;

  constructor(private readonly host: PythonKernelHost) {}

  private async start(): Promise<void> {
    const cwd = this.host.fs.hostPath(this.host.cwd);
    // Without the SDK installed, its stand-ins are not on the path: the import fails as Python's would.
    const sdk = await sdkInstalled(this.host.image, this.host.fs, this.host.site);
    const env = await sdkEnvironment(this.host.env, this.host.network, cwd);
    if (!sdk) env.PYTHONPATH = path.join(SDK_PYTHONPATH, 'kernel-only');
    // The image's own SDK under SDK_APPWRAPPER_FAULT defaults to mcad=True.
    if (this.host.faults.has(SDK_APPWRAPPER_FAULT) && this.host.image.packages.codeflare_sdk) env.RHOAI_TWIN_SDK_DEFAULT_MCAD = '1';
    const child = spawn('python3', [path.join(SDK_PYTHONPATH, '_twin_kernel.py')], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.resume();
    this.host.signal.addEventListener('abort', () => child.kill('SIGKILL'), { once: true });
    this.process = child;
    this.answers = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  }

  async execute(source: string): Promise<{ outputs: CellOutput[]; error?: PythonException }> {
    if (!this.process) await this.start();
    this.executionCount += 1;
    const child = this.process!;
    child.stdin!.write(`${JSON.stringify({ code: source })}\n`);
    const timer = setTimeout(() => child.kill('SIGKILL'), CELL_TIME_LIMIT_SECONDS * 1000);
    let line: IteratorResult<string>;
    try {
      line = await this.answers!.next();
    } finally {
      clearTimeout(timer);
    }
    const outputs: CellOutput[] = [];
    if (line.done) {
      const error = new PythonException(
        'DeadKernelError',
        `Kernel died (the cell ran past ${CELL_TIME_LIMIT_SECONDS} s or the kernel was stopped)`,
      );
      outputs.push({ output_type: 'error', ename: error.ename, evalue: error.evalue, traceback: [error.message] });
      return { outputs, error };
    }
    const a = JSON.parse(line.value) as Answer;
    if (a.stdout) outputs.push({ output_type: 'stream', name: 'stdout', text: a.stdout });
    if (a.stderr) outputs.push({ output_type: 'stream', name: 'stderr', text: a.stderr });
    if (a.result !== undefined)
      outputs.push({ output_type: 'execute_result', execution_count: this.executionCount, data: { 'text/plain': a.result }, metadata: {} });
    if (a.error) {
      outputs.push({
        output_type: 'error',
        ename: a.error.ename,
        evalue: a.error.evalue,
        traceback: a.error.traceback.map((l) => l.split(SDK_PYTHONPATH).join(this.host.site)),
      });
      return { outputs, error: new PythonException(a.error.ename, a.error.evalue) };
    }
    return { outputs };
  }

  shutdown(): void {
    this.process?.stdin?.end();
    this.process?.kill('SIGTERM');
  }
}

/** What the package index gives beyond the images (pip install in a workbench with egress): the SDK for images without it (code-server). */
const SDK_INDEX: Record<string, string> = { 'codeflare-sdk': '0.16.0' };

/** The index packages the workbench's pip finds (none of them under INDEX_WITHOUT_SDK_FAULT). */
export function sdkIndex(faults: { has(name: string): boolean }): Record<string, string> {
  return faults.has(INDEX_WITHOUT_SDK_FAULT) ? {} : SDK_INDEX;
}

/** pip install of an index package: its dist-info in the image's site-packages, as pip leaves it. */
export async function installFromIndex(ctx: CommandContext, site: string, name: string, version: string): Promise<void> {
  const dist = `${site}/${name.replace(/-/g, '_')}-${version}.dist-info`;
  ctx.stdout(`Collecting ${name}==${version}\n  Downloading ${name.replace(/-/g, '_')}-${version}-py3-none-any.whl\n`);
  await ctx.fs.mkdir(dist, { recursive: true });
  await ctx.fs.writeFile(`${dist}/METADATA`, `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  await ctx.fs.writeFile(`${dist}/INSTALLER`, 'pip\n');
  ctx.stdout(`Installing collected packages: ${name}\nSuccessfully installed ${name}-${version}\n`);
}

/** True when the workbench has the CodeFlare SDK: in its image, or pip-installed into its site-packages. */
export async function sdkInstalled(image: WorkbenchImage, fs: PodFilesystem, site: string): Promise<boolean> {
  if (image.packages.codeflare_sdk) return true;
  try {
    return (await fs.readdir(site)).some((f) => /^codeflare_sdk-[\d.]+\.dist-info$/.test(f));
  } catch {
    return false;
  }
}

/**
 * `python FILE [ARGS]` in a workbench: a file that imports codeflare_sdk runs in the machine's
 * python3 with the stand-ins, in the file's directory (the SDK must be in the image or
 * pip-installed: else Python's ModuleNotFoundError); any other file is refused with what the twin runs.
 */
export async function runPythonFile(
  ctx: CommandContext,
  file: string,
  args: string[],
  deps: { site: string; image: WorkbenchImage; network: ClusterNetwork },
): Promise<number> {
  const full = path.posix.resolve(ctx.cwd, file);
  let text: string;
  try {
    text = (await ctx.fs.readFile(full)).toString('utf8');
  } catch {
    ctx.stderr(`python: can't open file '${full}': [Errno 2] No such file or directory\n`);
    return 2;
  }
  if (!/\bcodeflare_sdk\b/.test(text)) {
    ctx.stderr(`${ctx.argv[0]}: the twin runs Python files that use the CodeFlare SDK; ${file} does not import codeflare_sdk\n`);
    return 1;
  }
  if (!(await sdkInstalled(deps.image, ctx.fs, deps.site))) {
    ctx.stderr(
      `Traceback (most recent call last):\n  File "${full}", line 1, in <module>\nModuleNotFoundError: No module named 'codeflare_sdk'\n`,
    );
    return 1;
  }
  const cwd = ctx.fs.hostPath(path.posix.dirname(full));
  const env = await sdkEnvironment(ctx.env, deps.network, cwd);
  return new Promise((resolve) => {
    const child = spawn('python3', [ctx.fs.hostPath(full), ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: CELL_TIME_LIMIT_SECONDS * 1000,
      killSignal: 'SIGKILL',
    });
    const abort = () => child.kill('SIGKILL');
    ctx.signal.addEventListener('abort', abort, { once: true });
    child.stdout!.on('data', (c: Buffer) => ctx.stdout(c));
    const hostFile = ctx.fs.hostPath(full);
    child.stderr!.on('data', (c: Buffer) =>
      ctx.stderr(c.toString('utf8').split(SDK_PYTHONPATH).join(deps.site).split(hostFile).join(full)),
    );
    child.on('error', (e) => {
      ctx.stderr(`python: ${e.message}\n`);
      resolve(127);
    });
    child.on('close', (code) => {
      ctx.signal.removeEventListener('abort', abort);
      resolve(code ?? 137);
    });
  });
}
