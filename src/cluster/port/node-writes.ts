/** The one write a drain makes to a node: cordon and uncordon. */
import type { NodeInfo } from '../types.js';

export interface NodeWrites {
  /** Cordon (true) or uncordon (false); returns the node as written. */
  setUnschedulable(name: string, value: boolean): Promise<NodeInfo>;
}
