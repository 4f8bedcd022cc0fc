// The shape of one entry of the fault catalogue. Each controller module exports the faults it
// implements; `caughtBy` is the Cucumber tag expression of the scenarios that must fail under the
// fault (empty for transient faults the harness must survive).
import type { NodeSpec } from './bootstrap';

export interface FaultDefinition {
  name: string;
  description: string;
  /** Tag expression of the scenarios this fault must make fail; '' when the harness must survive it. */
  caughtBy: string;
  /** Words the failure message must contain, so a test can check the harness names the cause. */
  expectMessage?: string;
  /** A fault that models another cluster: the nodes the twin starts with instead of its default ones. */
  nodes?: NodeSpec[];
}
