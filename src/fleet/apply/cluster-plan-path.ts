/** Where a cluster's plan file is: the fleet plan records it relative to the fleet plan's own folder. */
import { dirname, isAbsolute, resolve } from 'node:path';

export const clusterPlanPath = (fleetPlanPath: string, planPath: string): string =>
  isAbsolute(planPath) ? planPath : resolve(dirname(fleetPlanPath), planPath);
