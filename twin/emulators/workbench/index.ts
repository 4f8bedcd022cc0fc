// The workbench images of RHOAI 2.9, as image emulators of the twin's kubelet:
//   - the Jupyter images (Minimal Python, Standard Data Science, CUDA, PyTorch, TensorFlow, TrustyAI,
//     HabanaAI): the JupyterLab server on --ServerApp.port (8888) under --ServerApp.base_url
//     (/notebook/<ns>/<name>), answering its REST API there (…/api is what the readiness probe and
//     the dashboard call; …/api/contents lists the workbench's files), with `git`, `jupyter
//     nbconvert`, `pip` and `python` to exec;
//   - code-server: nginx on 8888 under the same base URL (…/api answers the probe) in front of
//     code-server on 8787; `git`, `pip`, `python`, `code-server --version`; no jupyter.
// The OAuth proxy the notebook controller puts beside them (ose-oauth-proxy) is the one emulator of
// that image, for workbench and ModelMesh pods alike (../oauth-proxy.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { WorkloadRuntime } from '../../network/index';
import { ContainerExit, type ContainerContext, type ContainerEmulator, type ImageEmulator } from '../types';
import { ocCommand } from './oc';
import { codeServerCommand, jupyterCommand, pipCommand, pythonCommand, type WorkbenchCommandDeps } from './commands';
import { gitCommand } from './git';
import { workbenchImageOf, type WorkbenchImage } from './images';
import { elyraPipelineCommand, setupElyra } from './elyra';

export { WORKBENCH_IMAGES, workbenchImageOf } from './images';
export { REPOSITORY_FAULT } from './git';
export { TRAINING_FAULT } from './kernel';
export { NO_EGRESS_FAULT } from './commands';

export interface WorkbenchFaults {
  has(name: string): boolean;
}

/** Registers the workbench images with the twin's kubelet. */
export function registerWorkbenchImages(
  runtime: WorkloadRuntime,
  faults: WorkbenchFaults,
  serviceAccountToken?: ServiceAccountTokens,
): void {
  runtime.emulators.register(workbenchEmulator(runtime, faults, serviceAccountToken));
}

/** The token the kubelet projects into a pod of the service account (…/serviceaccount/token). */
export type ServiceAccountTokens = (namespace: string, serviceAccount: string) => string | undefined;

function workbenchEmulator(runtime: WorkloadRuntime, faults: WorkbenchFaults, tokens?: ServiceAccountTokens): ImageEmulator {
  return {
    name: 'workbench',
    matches: (image) => workbenchImageOf(image) !== undefined,
    start: (ctx) => startWorkbench(ctx, workbenchImageOf(String(ctx.container.image))!, runtime, faults, tokens),
  };
}

function notebookArg(env: Record<string, string>, name: string): string | undefined {
  return new RegExp(`--ServerApp\\.${name}=(\\S+)`).exec(env.NOTEBOOK_ARGS ?? '')?.[1]?.replace(/^['"]|['"]$/g, '');
}

function startWorkbench(
  ctx: ContainerContext,
  image: WorkbenchImage,
  runtime: WorkloadRuntime,
  faults: WorkbenchFaults,
  tokens?: ServiceAccountTokens,
): ContainerEmulator {
  const base = (notebookArg(ctx.env, 'base_url') ?? ctx.env.NB_PREFIX ?? '').replace(/\/+$/, '');
  const port = Number(notebookArg(ctx.env, 'port') ?? 8888);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ContainerExit(`[E ServerApp] --ServerApp.port=${notebookArg(ctx.env, 'port')} is not a port number`);
  const root = ctx.container.workingDir ?? '/opt/app-root/src';
  const deps: WorkbenchCommandDeps = { image, namespace: ctx.pod.metadata.namespace!, network: runtime.network, faults };
  const started = new Date().toISOString();
  const commands = {
    git: gitCommand(faults),
    pip: pipCommand(deps),
    pip3: pipCommand(deps),
    python: pythonCommand(deps),
    python3: pythonCommand(deps),
    oc: ocCommand(faults),
    ...(image.packages.elyra
      ? { 'elyra-pipeline': elyraPipelineCommand({ namespace: deps.namespace, network: runtime.network, faults }) }
      : {}),
  };
  if (image.packages.elyra) {
    const token = tokens?.(deps.namespace, ctx.pod.spec?.serviceAccountName ?? 'default');
    void setupElyra(ctx, faults, token).catch((e) => ctx.log(`setup-elyra.sh: ${(e as Error).message}`));
  }
  if (image.server === 'code-server') {
    ctx.log(`[entrypoint] starting code-server ${image.displayName} on 127.0.0.1:8787 behind nginx on ${port}`);
    return {
      ports: [
        { port, handler: nginxForCodeServer(base, started) },
        { port: 8787, handler: codeServerUi },
      ],
      commands: { ...commands, 'code-server': codeServerCommand() },
    };
  }
  ctx.log(`[I ${started} ServerApp] Jupyter Server ${image.packages.jupyter_server} is running at:`);
  ctx.log(`[I ${started} ServerApp] http://${ctx.pod.metadata.name}:${port}${base}/lab`);
  ctx.log(`[I ${started} ServerApp] Serving notebooks from local directory: ${root}`);
  return {
    ports: [{ port, handler: jupyterServer(ctx, image, base, root, started) }],
    commands: { ...commands, jupyter: jupyterCommand(deps) },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** The JupyterLab server's REST API under its base URL (no token: the dashboard starts it with an empty one behind the OAuth proxy). */
function jupyterServer(
  ctx: ContainerContext,
  image: WorkbenchImage,
  base: string,
  root: string,
  started: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://jupyter');
    const p = decodeURIComponent(url.pathname);
    if (!(p === base || p.startsWith(`${base}/`))) return json(res, 404, { message: 'Not Found', reason: null });
    const rest = p.slice(base.length) || '/';
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { message: 'Method Not Allowed', reason: null });
    if (rest === '/' || rest === '') {
      res.writeHead(302, { Location: `${base}/lab` });
      return void res.end();
    }
    if (rest === '/api' || rest === '/api/') return json(res, 200, { version: image.packages.jupyter_server });
    if (rest === '/api/status') return json(res, 200, { connections: 0, kernels: 0, last_activity: started, started });
    if (rest === '/api/kernels' || rest === '/api/sessions' || rest === '/api/terminals') return json(res, 200, []);
    if (rest === '/api/kernelspecs')
      return json(res, 200, {
        default: 'python3',
        kernelspecs: {
          python3: {
            name: 'python3',
            spec: {
              display_name: `Python ${image.python.split('.').slice(0, 2).join('.')}`,
              language: 'python',
              argv: ['python', '-m', 'ipykernel_launcher', '-f', '{connection_file}'],
            },
          },
        },
      });
    if (rest === '/api/contents' || rest.startsWith('/api/contents/'))
      return void contents(ctx, root, rest.slice('/api/contents'.length).replace(/^\//, ''), url.searchParams.get('content') !== '0', res);
    if (rest === '/lab' || rest.startsWith('/lab/') || rest === '/tree') {
      return html(
        res,
        200,
        `<!doctype html><html><head><meta charset="utf-8"><title>JupyterLab</title></head><body data-notebook="lab"><div id="main">JupyterLab ${image.packages.jupyterlab} — ${image.displayName}</div></body></html>`,
      );
    }
    json(res, 404, { message: 'Not Found', reason: null });
  };
}

async function contents(ctx: ContainerContext, root: string, rel: string, withContent: boolean, res: ServerResponse): Promise<void> {
  const full = path.posix.join(root, rel);
  try {
    const st = await ctx.fs.stat(full);
    const model = (name: string, p: string, s: import('node:fs').Stats) => ({
      name,
      path: p,
      type: s.isDirectory() ? 'directory' : name.endsWith('.ipynb') ? 'notebook' : 'file',
      created: s.birthtime.toISOString(),
      last_modified: s.mtime.toISOString(),
      size: s.isDirectory() ? null : s.size,
      writable: true,
      mimetype: null,
      format: null,
      content: null,
    });
    const self = model(path.posix.basename(rel), rel, st);
    if (st.isDirectory()) {
      const entries = [];
      if (withContent) {
        for (const name of await ctx.fs.readdir(full)) {
          if (name.startsWith('.')) continue;
          const s = await ctx.fs.stat(path.posix.join(full, name));
          entries.push(model(name, rel ? `${rel}/${name}` : name, s));
        }
      }
      return json(res, 200, { ...self, format: withContent ? 'json' : null, content: withContent ? entries : null });
    }
    const data = withContent ? (await ctx.fs.readFile(full)).toString('utf8') : null;
    json(res, 200, { ...self, format: withContent ? 'text' : null, mimetype: withContent ? 'text/plain' : null, content: data });
  } catch {
    json(res, 404, { message: `No such file or directory: ${rel}`, reason: null });
  }
}

/** nginx of the code-server image: …/api for the probe and the culler, everything else to code-server. */
function nginxForCodeServer(base: string, started: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const p = new URL(req.url ?? '/', 'http://nginx').pathname;
    if (!(p === base || p.startsWith(`${base}/`))) {
      res.writeHead(404, { 'Content-Type': 'text/html', Server: 'nginx/1.22.1' });
      return void res.end(
        '<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx/1.22.1</center></body></html>',
      );
    }
    const rest = p.slice(base.length);
    if (rest === '/api' || rest === '/api/kernels')
      return json(res, 200, [{ id: 'code-server', name: 'code-server', last_activity: started, execution_state: 'busy', connections: 1 }]);
    codeServerUi(req, res);
  };
}

function codeServerUi(_req: IncomingMessage, res: ServerResponse): void {
  html(
    res,
    200,
    '<!doctype html><html><head><meta charset="utf-8"><title>code-server</title></head><body><div id="workbench">code-server 4.22.0</div></body></html>',
  );
}
