// A KFP v2 task whose component uses the CodeFlare SDK (RHOAI 2.9 "Running distributed data science
// workloads from data science pipelines": a @dsl.component with packages_to_install codeflare-sdk
// that brings a Ray cluster up, runs a job and takes it down). The kfp 2.5 compiler puts the
// component's function source in the executor's container command (`sh -ec 'program_path=...'
// <source>`) and its name in the args (--function_to_execute); the pip install line of the command
// says which packages the task installs. Such a task runs the function in the machine's python3
// with the SDK stand-ins (./py), in a fresh temporary work directory, with the task's environment
// (its secretAsEnv variables: the token and server TokenAuthentication logs in with) and the route
// hosts reaching the twin's router. Without codeflare-sdk in the pip install line the import fails
// as it would in the base image (ModuleNotFoundError). The function's return value is printed.
// Upstream followed: kubeflow/pipelines sdk 2.5.0 kfp/dsl/component_factory.py (_get_command_and_args_for_lightweight_component:
// the command's shape) and kfp/dsl/executor_main.py (the function called with its inputs).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClusterNetwork } from '../../network/cluster-network';
import { SDK_PYTHONPATH, sdkEnvironment, TASK_INDEX_WITHOUT_SDK_FAULT } from './index';

/** A task's time limit (a KFP task has none of its own; Argo's activeDeadlineSeconds is unset). */
const TASK_TIME_LIMIT_SECONDS = 600;

export interface SdkTask {
  fn: string;
  source: string;
  /** codeflare-sdk is in the task's pip install line. */
  installsSdk: boolean;
}

/** The CodeFlare SDK task of an executor's container, if its function uses the SDK. */
export function codeflareSdkTask(container: { command?: unknown[]; args?: unknown[] }, fn: string): SdkTask | undefined {
  const command = (container.command ?? []).map(String);
  const source = command.find((c) => new RegExp(`^\\s*def ${fn}\\(`, 'm').test(c));
  if (!source || !/\bcodeflare_sdk\b/.test(source)) return undefined;
  const installsSdk = command.some((c) => /pip install/.test(c) && /['"\s]codeflare-sdk(==[\d.]+)?['"\s]/.test(c));
  return { fn, source, installsSdk };
}

/** Runs the task's function; resolves with its output, rejects with the traceback's last lines. */
export async function runCodeflareSdkTask(
  task: SdkTask,
  env: Record<string, string>,
  network: ClusterNetwork,
  log: (line: string) => void,
  faults: { has(name: string): boolean },
): Promise<string> {
  if (faults.has(TASK_INDEX_WITHOUT_SDK_FAULT) && task.installsSdk)
    throw new Error(
      'ERROR: Could not find a version that satisfies the requirement codeflare-sdk==0.16.0 (from versions: none)\nERROR: No matching distribution found for codeflare-sdk==0.16.0 (exit code 1)',
    );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-twin-kfp-task-'));
  try {
    fs.writeFileSync(path.join(dir, 'ephemeral_component.py'), `${task.source}\n\nprint(${task.fn}())\n`);
    const procEnv = await sdkEnvironment(env, network, dir);
    // The base image has no codeflare-sdk unless the task's pip install line brings it.
    if (!task.installsSdk) procEnv.PYTHONPATH = path.join(SDK_PYTHONPATH, 'not-installed');
    return await new Promise<string>((resolve, reject) => {
      const child = spawn('python3', ['ephemeral_component.py'], {
        cwd: dir,
        env: procEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: TASK_TIME_LIMIT_SECONDS * 1000,
        killSignal: 'SIGKILL',
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.on('error', (e) => reject(e));
      child.on('close', (code) => {
        for (const line of out.trimEnd().split('\n').slice(-40)) log(`kfp task ${task.fn}: ${line}`);
        if (code === 0) resolve(out);
        else
          reject(
            new Error(
              `${out.trim().split('\n').slice(-12).join('\n').split(SDK_PYTHONPATH).join('/opt/app-root/lib/python3.9/site-packages')} (exit code ${code ?? 137})`,
            ),
          );
      });
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
