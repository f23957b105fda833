/**
 * What `sandbox machines` prints: one row per simulated machine, with its versions, kubelet state and the
 * upgrade/downgrade counts; `wide` adds the address and the upgrade commands received (no-ops included). The
 * machine shape is declared here (the CLI does not import the sandbox); plain text, deterministic.
 */

/** A sandbox machine as its admin API reports it (the fields the table shows). */
export interface MachineRow {
  name: string;
  role: string;
  pool?: string;
  zone: string;
  address: string;
  kubeletVersion: string;
  controlPlaneVersion?: string;
  kubelet: string;
  upgrades: number;
  upgradeCommands?: number;
  downgrades?: number;
}

const COLUMNS: [string, (m: MachineRow) => string][] = [
  ['NAME', (m) => m.name],
  ['ROLE', (m) => m.role],
  ['POOL', (m) => m.pool ?? '-'],
  ['ZONE', (m) => m.zone],
  ['KUBELET', (m) => m.kubeletVersion],
  ['CONTROL-PLANE', (m) => m.controlPlaneVersion ?? '-'],
  ['STATE', (m) => m.kubelet],
  ['UPGRADES', (m) => String(m.upgrades)],
  ['DOWNGRADES', (m) => String(m.downgrades ?? 0)],
];

const WIDE_COLUMNS: [string, (m: MachineRow) => string][] = [
  ...COLUMNS,
  ['ADDRESS', (m) => m.address],
  ['UPGRADE-COMMANDS', (m) => String(m.upgradeCommands ?? m.upgrades)],
];

export const renderMachineTable = (machines: readonly MachineRow[], opts: { wide?: boolean } = {}): string => {
  const cols = opts.wide ? WIDE_COLUMNS : COLUMNS;
  const rows = [cols.map(([h]) => h), ...machines.map((m) => cols.map(([, cell]) => cell(m)))];
  const widths = cols.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
};
