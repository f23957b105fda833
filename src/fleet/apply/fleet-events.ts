/**
 * The events of a fleet run: the fleet's own (`fleet-…`: stages, clusters starting and finishing, windows,
 * budgets, soaks, gates, the inventory) and every event of every cluster's run, tagged with the cluster's name.
 * The renderers consume this one stream; the use case never prints.
 */
import type { RunOutcome, UpgradeEvent } from '../../upgrade/run/index.js';
import type { ClusterState, StageState } from '../schedule/index.js';

export type FleetOutcome = 'done' | 'failed' | 'paused' | 'locked';

export type FleetOwnEvent = { at: string } & (
  | { type: 'fleet-started'; fleet: string; resumed: boolean; stages: { name: string; clusters: string[] }[] }
  | {
      type: 'fleet-inventory-changed';
      fleetFileChanged: boolean;
      removed: string[];
      added: string[];
      unreadable?: string;
    }
  | { type: 'fleet-cluster-rebuilt'; cluster: string; state: ClusterState; reason: string }
  | { type: 'fleet-stage-started'; stage: string }
  | { type: 'fleet-cluster-started'; stage: string; cluster: string; attempt: number }
  | { type: 'fleet-cluster-waiting'; stage: string; cluster: string; opensAt?: string }
  | {
      type: 'fleet-cluster-finished';
      stage: string;
      cluster: string;
      outcome: RunOutcome;
      state: ClusterState;
      message?: string;
    }
  | { type: 'fleet-budget-spent'; stage: string; failed: number; budget: number; onFailure: string }
  | { type: 'fleet-soak-started'; stage: string; until: string; resumed: boolean }
  | { type: 'fleet-soak-regression'; stage: string; cluster: string; reason: string }
  | { type: 'fleet-gate'; stage: string; when: 'before' | 'after'; gate: string; passed: boolean; reason?: string }
  | { type: 'fleet-stage-finished'; stage: string; state: StageState; message?: string }
  | { type: 'fleet-warning'; message: string }
  | { type: 'fleet-finished'; outcome: FleetOutcome; message: string; next: string[] }
);

/** A cluster run's event, tagged with its cluster. */
export type ClusterEvent = UpgradeEvent & { cluster: string };

export type FleetEvent = FleetOwnEvent | ClusterEvent;
export type FleetEventSink = (e: FleetEvent) => void;

type Body<E> = E extends unknown ? Omit<E, 'at'> : never;
export type FleetEventBody = Body<FleetOwnEvent>;

export const isClusterEvent = (e: FleetEvent): e is ClusterEvent => 'cluster' in e && !e.type.startsWith('fleet-');
