// `node --import tsx test/bench/inference.ts`: the latency of one fraud-detection inference through
// the twin's OpenVINO Model Server emulator (the v2 REST API over loopback HTTP, the model the twin's
// training writes), median and 95th percentile of BENCH_INFERENCES requests (default 500) after 20
// warm-up ones, and how long loading the model took. Not a test: nothing here passes or fails.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FaultSet } from '../../twin/fault-set';
import { FAULT_CATALOGUE } from '../../twin/faults';
import { OvmsServer } from '../../twin/emulators/openvino';
import { PodFilesystem } from '../../twin/emulators/volumes';
import { generateCardTransactions, MODEL_ONNX_PATH, runTutorialTraining, toCardCsv } from '../../twin/emulators/ml/index';

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_INFERENCES ?? 500);
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'bench-ovms-'));
  const onnx = runTutorialTraining(toCardCsv(generateCardTransactions({ rows: 6000 }))).files[MODEL_ONNX_PATH];
  fs.mkdirSync(path.join(dir, 'models', '1'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'models', '1', 'model.onnx'), onnx);
  const server = new OvmsServer(
    new FaultSet([], FAULT_CATALOGUE),
    () => undefined,
    new PodFilesystem(path.join(dir, 'root'), [{ mountPath: '/mnt/models', hostDir: path.join(dir, 'models'), readOnly: true }]),
  );
  const t0 = performance.now();
  await server.load('fraud', '/mnt/models');
  const loadMs = performance.now() - t0;
  const s = http.createServer((req, res) => server.handle(req, res));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/v2/models/fraud/infer`;
  const body = JSON.stringify({ inputs: [{ name: 'dense_input', shape: [1, 5], datatype: 'FP32', data: [0.31, 1.94, 1, 0, 0] }] });
  const one = async (): Promise<number> => {
    const start = performance.now();
    const res = await fetch(url, { method: 'POST', body });
    if (res.status !== 200) throw new Error(`inference answered ${res.status}: ${await res.text()}`);
    await res.json();
    return performance.now() - start;
  };
  for (let i = 0; i < 20; i++) await one();
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await one());
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  console.log(`model load ${loadMs.toFixed(1)} ms; ${n} inferences: median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
  s.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

void main();
