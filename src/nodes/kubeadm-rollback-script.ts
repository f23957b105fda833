/**
 * The node side of a rollback on a kubeadm node, as steps for the kubeadm script runner (kubeadm-script.ts):
 * `downgradeSteps` pins the packages back to an older version and, on a control-plane node, puts back the
 * static-pod manifests kubeadm backed up before the upgrade (kubernetes-facts §7); `restoreEtcdSteps` restores
 * an etcd snapshot on one stacked etcd member (§8: stop etcd and the apiserver by moving their manifests aside,
 * restore into a new data dir, swap it in, keep the old one, put the manifests back); `prepareEtcdRestoreSteps` is
 * its first half alone (check, manifests aside, wait until stopped), run on every member before any is restored.
 * Steps with file logic are
 * fixed `sh -c` scripts whose values arrive as positional arguments, never spliced into the script text.
 * Pure: builds strings from validated values, runs nothing.
 */
import type { PackageManager } from '../plan/index.js';
import { shellJoin } from './shell-quote.js';
import type { EtcdMember, NodeTarget } from './types.js';
import type { KubeadmStep } from './kubeadm-script.js';
import { isKubernetesVersion, isNodeName, packageVersion } from './validate.js';

export interface RollbackStep extends KubeadmStep {
  /** The command for `DriverResult.commands` (a script step is shown by name, not by its text). */
  readonly display: string;
}

export interface RollbackScriptOptions {
  readonly packageManager: PackageManager;
  readonly sudo: boolean;
  /**
   * A prefix for every node-side path (`<root>/etc/kubernetes/…`, `<root>/var/lib/etcd`); '' (the default) on a
   * real node. Tests point it at a temp dir so the file operations run against a fake tree.
   */
  readonly root?: string;
  /** A stamp that makes the names of kept dirs unique (`20250101T120000123Z`); the driver passes the current time. */
  readonly stamp: string;
}

/** Where the kubeadm files live on the node (kubernetes-facts §7), under the optional test root. */
export interface KubeadmPaths {
  readonly manifests: string;
  readonly tmp: string;
  readonly etcdData: string;
}

export const kubeadmPaths = (root = ''): KubeadmPaths => {
  if (root !== '' && (!root.startsWith('/') || root.endsWith('/') || root.includes('\0'))) {
    throw new TypeError(`node root ${JSON.stringify(root)} must be an absolute path without a trailing /`);
  }
  return {
    manifests: `${root}/etc/kubernetes/manifests`,
    tmp: `${root}/etc/kubernetes/tmp`,
    etcdData: `${root}/var/lib/etcd`,
  };
};

const STAMP = /^[0-9A-Za-z-]{1,40}$/;
const APT_ENV = ['env', 'DEBIAN_FRONTEND=noninteractive'];
const PACKAGES = ['kubeadm', 'kubelet', 'kubectl'];
const CONTROL_PLANE_MANIFESTS = ['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml'];
/** Stopped in this order (apiserver before etcd, §8) and started in the reverse order. */
const STATIC_PODS = ['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml', 'etcd.yaml'];

/**
 * Shell function: sets `found` to the newest kubeadm-backup-manifests dir under $1 whose kube-apiserver.yaml runs
 * image tag $2, and `seen` to what the backups hold. Names sort by their date, so the last match is the newest.
 */
const FIND_BACKUP = `find_backup() {
  found=; seen=
  for d in "$1"/kubeadm-backup-manifests-*; do
    [ -f "$d/kube-apiserver.yaml" ] || continue
    img=$(awk '$1 == "image:" { print $2; exit }' "$d/kube-apiserver.yaml" | tr -d "\\"'")
    img=\${img%%@*}
    tag=\${img##*:}
    seen="$seen \${d##*/} ($tag)"
    if [ "$tag" = "$2" ]; then found=$d; fi
  done
  if [ -z "$found" ]; then
    echo "no kubeadm backup of the static-pod manifests for $2 in $1 (backups found:\${seen:- none}); the control plane cannot be put back to $2 from a backup: restore its manifests by hand, then re-run" >&2
    exit 3
  fi
}
`;

/** $1 tmp dir, $2 version: refuses before anything changes when no backup holds manifests for the version. */
const CHECK_BACKUP = `set -eu
${FIND_BACKUP}find_backup "$1" "$2"
echo "kubeadm backup for $2: $found"
`;

/** $1 tmp dir, $2 version, $3 manifests dir, $4 where the current manifests are kept, $5… the manifest names. */
const RESTORE_MANIFESTS = `set -eu
${FIND_BACKUP}tmp=$1 want=$2 man=$3 keep=$4
shift 4
find_backup "$tmp" "$want"
for f in "$@"; do
  [ -f "$found/$f" ] || { echo "$found/$f is missing: the backup is incomplete" >&2; exit 3; }
done
mkdir -p "$keep"
for f in "$@"; do
  if [ -f "$man/$f" ]; then cp -p "$man/$f" "$keep/$f"; fi
  cp "$found/$f" "$man/.$f.k8s-upgrade"
  mv -f "$man/.$f.k8s-upgrade" "$man/$f"
done
echo "static-pod manifests for $want restored from $found; the ones they replaced are kept in $keep"
`;

/** Steps that take the node back to `target.version`. Throws a TypeError on a version or name that is not valid. */
export const downgradeSteps = (target: NodeTarget, opts: RollbackScriptOptions): RollbackStep[] => {
  if (!isKubernetesVersion(target.version))
    throw new TypeError(`target version ${JSON.stringify(target.version)} is not like v1.32.0`);
  if (!isNodeName(target.node)) throw new TypeError(`node name ${JSON.stringify(target.node)} is not a DNS-1123 name`);
  if (!STAMP.test(opts.stamp)) throw new TypeError(`stamp ${JSON.stringify(opts.stamp)} is not valid`);
  const paths = kubeadmPaths(opts.root);
  const pkg = packageVersion(target.version);
  const cp = target.role === 'control-plane';
  const steps: { title: string; argv: string[]; env?: string[]; script?: boolean }[] = [];

  if (cp) {
    steps.push({
      title: `check that ${paths.tmp}/kubeadm-backup-manifests-* holds the manifests for ${target.version}`,
      argv: ['sh', '-c', CHECK_BACKUP, 'sh', paths.tmp, target.version],
      script: true,
    });
  }
  if (opts.packageManager === 'apt') {
    steps.push(
      { title: `apt-mark unhold ${PACKAGES.join(' ')}`, argv: ['apt-mark', 'unhold', ...PACKAGES] },
      { title: 'apt-get update', argv: ['apt-get', 'update'] },
      {
        title: '',
        argv: ['apt-get', 'install', '-y', '--allow-downgrades', ...PACKAGES.map((p) => `${p}=${pkg}-*`)],
        env: APT_ENV,
      },
      { title: `apt-mark hold ${PACKAGES.join(' ')}`, argv: ['apt-mark', 'hold', ...PACKAGES] },
    );
  } else {
    steps.push({
      title: '',
      argv: ['yum', 'downgrade', '-y', ...PACKAGES.map((p) => `${p}-${pkg}-*`), '--disableexcludes=kubernetes'],
    });
  }
  if (cp) {
    const keep = `${paths.tmp}/k8s-upgrade-before-downgrade-${opts.stamp}`;
    steps.push({
      title: `restore the static-pod manifests for ${target.version} from the kubeadm backup into ${paths.manifests} (the current ones are kept in ${keep})`,
      argv: [
        'sh',
        '-c',
        RESTORE_MANIFESTS,
        'sh',
        paths.tmp,
        target.version,
        paths.manifests,
        keep,
        ...CONTROL_PLANE_MANIFESTS,
      ],
      script: true,
    });
  }
  steps.push(
    { title: 'systemctl daemon-reload', argv: ['systemctl', 'daemon-reload'] },
    { title: 'systemctl restart kubelet', argv: ['systemctl', 'restart', 'kubelet'] },
  );
  return finish(steps, opts.sudo);
};

const finish = (
  steps: { title: string; argv: string[]; env?: string[]; script?: boolean }[],
  sudo: boolean,
): RollbackStep[] =>
  steps.map(({ title, argv, env = [], script }) => {
    const full = [...(sudo ? ['sudo', '-n'] : []), ...env, ...argv];
    const name = title || argv.join(' ');
    return {
      title: name,
      argv: full,
      display: script ? `${sudo ? 'sudo -n ' : ''}sh -c <script: ${name}>` : shellJoin(full),
    };
  });

/** An etcd peer URL as kubeadm writes it: `https://<address>:2380` (IPv6 in brackets). */
export const peerUrlFor = (address: string): string =>
  `https://${address.includes(':') ? `[${address}]` : address}:2380`;

const PEER_URL = /^https?:\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export interface RestoreEtcdScriptInput {
  /** The snapshot already uploaded to the node. */
  readonly remoteSnapshot: string;
  /** Its sha256 (hex), computed on this machine: checked on the node before anything changes. */
  readonly sha256: string;
  /** Every etcd member (this node among them): `--initial-cluster`. */
  readonly members: readonly EtcdMember[];
}

/** The dirs a restore moves things to, for the steps and for error messages. */
export interface RestoreEtcdPaths extends KubeadmPaths {
  /** Where the static-pod manifests wait while etcd and the apiserver are stopped (stable per snapshot, so a re-run finds them). */
  readonly aside: string;
  /** The new data dir the snapshot is restored into, next to the data dir. */
  readonly restored: string;
  /** Where the old data dir is kept. */
  readonly old: string;
  readonly token: string;
}

export const restoreEtcdPaths = (sha256: string, opts: RollbackScriptOptions): RestoreEtcdPaths => {
  const p = kubeadmPaths(opts.root);
  const id = sha256.slice(0, 12);
  return {
    ...p,
    aside: `${p.tmp}/k8s-upgrade-etcd-restore-${id}-manifests`,
    restored: `${p.etcdData}.k8s-upgrade-restored-${opts.stamp}`,
    old: `${p.etcdData}.k8s-upgrade-before-restore-${opts.stamp}`,
    // Identical on every member of one restore (same snapshot), new compared with the cluster's own token.
    token: `k8s-upgrade-restore-${id}`,
  };
};

/** $1 snapshot, $2 sha256, $3 manifests, $4 aside, $5 data dir: checks everything before anything changes. */
const CHECK_RESTORE = `set -eu
snap=$1 sum=$2 man=$3 aside=$4 data=$5
printf '%s  %s\\n' "$sum" "$snap" | sha256sum -c - >/dev/null || { echo "the uploaded snapshot $snap does not have the sha256 computed before the upload ($sum): the copy is damaged" >&2; exit 4; }
if [ -f "$man/etcd.yaml" ]; then etcd_yaml=$man/etcd.yaml
elif [ -f "$aside/etcd.yaml" ]; then etcd_yaml=$aside/etcd.yaml; echo "etcd.yaml is still in $aside from an earlier attempt or the prepare step (etcd is stopped)"
else echo "no etcd.yaml in $man or $aside: this node runs no stacked etcd member (kubeadm local etcd); restore an external etcd by hand" >&2; exit 4
fi
dir=$(sed -n 's/^[[:space:]]*-[[:space:]]*--data-dir=//p' "$etcd_yaml" | tr -d "\\"'" | head -n 1)
case "$dir" in
  ""|/var/lib/etcd|"$data") ;;
  *) echo "etcd.yaml runs etcd on --data-dir=$dir, not /var/lib/etcd: restore this member by hand" >&2; exit 4 ;;
esac
command -v etcdutl >/dev/null 2>&1 || command -v etcdctl >/dev/null 2>&1 || { echo "neither etcdutl nor etcdctl is installed on this node: install etcdutl (etcd release tarball, same minor as the cluster's etcd), then re-run" >&2; exit 4; }
command -v crictl >/dev/null 2>&1 || { echo "crictl (cri-tools) is not installed: it is needed to see etcd and the apiserver stop" >&2; exit 4; }
echo "snapshot $snap verified; etcd manifest $etcd_yaml"
`;

/** $1 manifests, $2 aside, $3… the manifests in stop order. */
const STOP_PODS = `set -eu
man=$1 aside=$2
shift 2
mkdir -p "$aside"
chmod 700 "$aside"
for f in "$@"; do
  if [ -f "$man/$f" ]; then mv -f "$man/$f" "$aside/$f"; echo "moved $man/$f to $aside"; fi
done
`;

/** Waits (up to 120 s) until the kubelet stopped the containers of the static pods. */
const WAIT_STOPPED = `set -eu
i=0
while :; do
  running=$(crictl ps -q --name '^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)$')
  [ -z "$running" ] && break
  i=$((i + 1))
  if [ "$i" -ge 120 ]; then echo "etcd or the apiserver still runs 120 s after its manifest was moved away (containers: $running)" >&2; exit 5; fi
  sleep 1
done
echo "etcd, kube-apiserver, kube-controller-manager and kube-scheduler are stopped"
`;

/** $1 snapshot, $2 new data dir, $3 name, $4 initial cluster, $5 token, $6 peer URL. */
const RESTORE = `set -eu
snap=$1 new=$2 name=$3 cluster=$4 token=$5 peer=$6
if command -v etcdutl >/dev/null 2>&1; then tool=etcdutl; else tool=etcdctl; fi
rm -rf -- "$new"
if "$tool" snapshot restore --help 2>&1 | grep -q -e '--bump-revision'; then
  set -- --bump-revision 1000000000 --mark-compacted
else
  echo "warning: $tool has no --bump-revision: resourceVersions go back to the snapshot's, so clients that watch may keep stale state until they relist" >&2
  set --
fi
ETCDCTL_API=3 "$tool" snapshot restore "$snap" --data-dir "$new" --name "$name" --initial-cluster "$cluster" --initial-cluster-token "$token" --initial-advertise-peer-urls "$peer" "$@"
[ -d "$new/member" ] || { echo "$tool left no member/ dir in $new" >&2; exit 6; }
`;

/** $1 data dir, $2 where the old one is kept, $3 the restored dir. */
const SWAP = `set -eu
data=$1 old=$2 new=$3
[ ! -e "$old" ] || { echo "$old exists already: not moving $data onto it" >&2; exit 6; }
if [ -e "$data" ]; then mv -- "$data" "$old"; echo "the old etcd data dir is kept at $old"; fi
mv -- "$new" "$data"
chmod 700 "$data"
echo "restored data is in $data"
`;

/** $1 manifests, $2 aside, $3… the manifests in start order. */
const START_PODS = `set -eu
man=$1 aside=$2
shift 2
for f in "$@"; do
  if [ -f "$aside/$f" ]; then mv -f "$aside/$f" "$man/$f"; echo "moved $f back to $man"; fi
done
rmdir "$aside" 2>/dev/null || echo "$aside is not empty: left in place" >&2
`;

const checkRestoreInput = (
  target: NodeTarget,
  input: Pick<RestoreEtcdScriptInput, 'remoteSnapshot' | 'sha256'>,
  opts: RollbackScriptOptions,
): void => {
  if (!isNodeName(target.node)) throw new TypeError(`node name ${JSON.stringify(target.node)} is not a DNS-1123 name`);
  if (!STAMP.test(opts.stamp)) throw new TypeError(`stamp ${JSON.stringify(opts.stamp)} is not valid`);
  if (!SHA256.test(input.sha256)) throw new TypeError('the snapshot sha256 is not 64 hex digits');
  if (!input.remoteSnapshot.startsWith('/')) throw new TypeError('the uploaded snapshot path must be absolute');
};

/** Check, manifests aside, wait until stopped: the first three steps of a restore, and the whole of a prepare. */
const stopSteps = (input: Pick<RestoreEtcdScriptInput, 'remoteSnapshot' | 'sha256'>, p: RestoreEtcdPaths) => [
  {
    title: `check the uploaded snapshot (sha256), etcd.yaml and the restore tools`,
    argv: ['sh', '-c', CHECK_RESTORE, 'sh', input.remoteSnapshot, input.sha256, p.manifests, p.aside, p.etcdData],
    script: true,
  },
  {
    title: `stop kube-apiserver and etcd: move their static-pod manifests to ${p.aside}`,
    argv: ['sh', '-c', STOP_PODS, 'sh', p.manifests, p.aside, ...STATIC_PODS],
    script: true,
  },
  {
    title: 'wait until the kubelet stopped etcd and the control-plane containers (crictl ps)',
    argv: ['sh', '-c', WAIT_STOPPED, 'sh'],
    script: true,
  },
];

/**
 * Steps that stop etcd and the apiserver on `target` for a restore of the uploaded snapshot, and restore nothing:
 * check the upload (sha256), etcd.yaml and the tools, move the static-pod manifests to the per-snapshot aside dir
 * (the one `restoreEtcdSteps` looks in), wait until the containers are stopped, remove the upload. Safe to repeat:
 * manifests already aside stay there. Throws a TypeError on invalid input.
 */
export const prepareEtcdRestoreSteps = (
  target: NodeTarget,
  input: Pick<RestoreEtcdScriptInput, 'remoteSnapshot' | 'sha256'>,
  opts: RollbackScriptOptions,
): RollbackStep[] => {
  checkRestoreInput(target, input, opts);
  const p = restoreEtcdPaths(input.sha256, opts);
  return finish(
    [
      ...stopSteps(input, p),
      { title: `rm -f -- ${input.remoteSnapshot}`, argv: ['rm', '-f', '--', input.remoteSnapshot] },
    ],
    opts.sudo,
  );
};

/** Steps that restore the uploaded snapshot on `target`'s etcd member. Throws a TypeError on invalid input. */
export const restoreEtcdSteps = (
  target: NodeTarget,
  input: RestoreEtcdScriptInput,
  opts: RollbackScriptOptions,
): RollbackStep[] => {
  checkRestoreInput(target, input, opts);
  const self = etcdMemberCheck(target.node, input.members);
  const p = restoreEtcdPaths(input.sha256, opts);
  const cluster = input.members.map((m) => `${m.node}=${m.peerUrl}`).join(',');
  const steps = [
    ...stopSteps(input, p),
    {
      title: `restore the snapshot into ${p.restored} (etcdutl, else etcdctl, snapshot restore --name ${target.node} --initial-advertise-peer-urls ${self.peerUrl})`,
      argv: ['sh', '-c', RESTORE, 'sh', input.remoteSnapshot, p.restored, target.node, cluster, p.token, self.peerUrl],
      script: true,
    },
    {
      title: `swap the restored data into ${p.etcdData} (the old data dir is kept at ${p.old})`,
      argv: ['sh', '-c', SWAP, 'sh', p.etcdData, p.old, p.restored],
      script: true,
    },
    {
      title: `start etcd and kube-apiserver: move their manifests back into ${p.manifests}`,
      argv: ['sh', '-c', START_PODS, 'sh', p.manifests, p.aside, ...[...STATIC_PODS].reverse()],
      script: true,
    },
    { title: `rm -f -- ${input.remoteSnapshot}`, argv: ['rm', '-f', '--', input.remoteSnapshot] },
  ];
  return finish(steps, opts.sudo);
};

/** Checks the member list and returns this node's member. Throws a TypeError naming the problem. */
export const etcdMemberCheck = (node: string, members: readonly EtcdMember[]): EtcdMember => {
  if (members.length === 0) throw new TypeError('the etcd member list is empty');
  const names = new Set<string>();
  for (const m of members) {
    if (!isNodeName(m.node)) throw new TypeError(`etcd member name ${JSON.stringify(m.node)} is not a DNS-1123 name`);
    if (!PEER_URL.test(m.peerUrl))
      throw new TypeError(`etcd peer URL ${JSON.stringify(m.peerUrl)} of ${m.node} is not like https://10.0.0.1:2380`);
    if (names.has(m.node)) throw new TypeError(`etcd member ${m.node} is listed twice`);
    names.add(m.node);
  }
  const self = members.find((m) => m.node === node);
  if (!self) throw new TypeError(`${node} is not in the etcd member list (${[...names].join(', ')})`);
  return self;
};
