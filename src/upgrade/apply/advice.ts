/** The advice texts an apply run ends its stops with: how to resume, how to roll back, what to do after a gate. */
import type { Advice } from '../run/index.js';

export function makeAdvice(bin: string, planPath: string): Advice {
  const undo = 'restores the etcd snapshot, downgrades the nodes this run upgraded';
  return {
    resume: () => [`${bin} apply ${planPath}`],
    rollback: () => [`${bin} rollback ${planPath}   # to undo instead (${undo})`],
    afterGate: (failing: string[]) => [
      `Investigate: ${failing.slice(0, 3).join('; ')}`,
      `Then resume: ${bin} apply ${planPath}`,
      `Or undo: ${bin} rollback ${planPath}`,
    ],
  };
}
