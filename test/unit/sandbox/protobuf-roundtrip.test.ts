/**
 * Round trip of the sandbox's pod protobuf encoding: a schema-driven decoder (test/helpers) reads back what
 * the encoder wrote, and the result must deep-equal the pod's JSON — for every pod of a `scale` workload and
 * for hand-made pods covering volumes, init containers, scheduling constraints, probes, env, non-ASCII
 * labels, deletion and managedFields. (The demo workload's pods are checked in the integration test, which
 * runs the controllers that create them.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxCluster, DEFAULT_VERSION } from '../../../src/sandbox/cluster.js';
import { buildCluster } from '../../../src/sandbox/workloads/index.js';
import { encodePod } from '../../../src/sandbox/http/protobuf/pod-codec.js';
import { Pod } from '../../../src/sandbox/http/protobuf/pod-schema.js';
import type { KObject } from '../../../src/sandbox/store/types.js';
import { asJson, decodeMessage, withoutEmptyCollections } from '../../helpers/protobuf-decoder.js';

/** The pod as a client decoding the protobuf sees it (a list item: TypeMeta comes from the envelope). */
function roundTrip(pod: KObject): unknown {
  return { apiVersion: 'v1', kind: 'Pod', ...decodeMessage(encodePod(pod), Pod) };
}

const T = '2025-03-04T05:06:07Z';

const HAND_MADE: Record<string, object> = {
  'volumes of every common kind, init containers, probes, env': {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'shop',
      uid: '5e4a0c1e-0000-4000-8000-000000000001',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: T,
      labels: { app: 'web' },
    },
    spec: {
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'logs', hostPath: { path: '/var/log', type: 'DirectoryOrCreate' } },
        {
          name: 'cfg',
          configMap: {
            name: 'web-config',
            items: [{ key: 'a.yaml', path: 'a.yaml', mode: 420 }],
            defaultMode: 292,
            optional: false,
          },
        },
        { name: 'tls', secret: { secretName: 'web-tls', defaultMode: 256 } },
        { name: 'data', persistentVolumeClaim: { claimName: 'web-data', readOnly: true } },
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                },
              },
            ],
          },
        },
        {
          name: 'podinfo',
          downwardAPI: {
            items: [{ path: 'cpu', resourceFieldRef: { containerName: 'web', resource: 'limits.cpu', divisor: '1m' } }],
          },
        },
      ],
      initContainers: [
        {
          name: 'migrate',
          image: 'registry.example.com/web:2.1',
          command: ['/bin/migrate', '--up'],
          resources: { limits: { memory: '128Mi' } },
        },
      ],
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/web:2.1',
          args: ['--port=8080'],
          workingDir: '/srv',
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { containerPort: 9090, hostPort: 9090, hostIP: '0.0.0.0', protocol: 'UDP' },
          ],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'EMPTY', value: '' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'level', optional: true } } },
            { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'web-secret', key: 'token' } } },
            { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'requests.memory', divisor: '1Mi' } } },
          ],
          envFrom: [
            { prefix: 'CFG_', configMapRef: { name: 'web-env' } },
            { secretRef: { name: 'web-secret-env', optional: false } },
          ],
          resources: {
            requests: { cpu: '250m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
            limits: { cpu: '1', memory: '512Mi' },
          },
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/web', readOnly: true },
            { name: 'data', mountPath: '/data', subPath: 'web', mountPropagation: 'None' },
            {
              name: 'kube-api-access',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
              recursiveReadOnly: 'Disabled',
            },
          ],
          livenessProbe: {
            httpGet: {
              path: '/healthz',
              port: 8080,
              scheme: 'HTTP',
              httpHeaders: [{ name: 'X-Probe', value: 'live' }],
            },
            initialDelaySeconds: 10,
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          startupProbe: {
            exec: { command: ['cat', '/tmp/started'] },
            failureThreshold: 30,
            terminationGracePeriodSeconds: 15,
          },
          lifecycle: { preStop: { sleep: { seconds: 5 } }, postStart: { exec: { command: ['/bin/warm'] } } },
          securityContext: {
            runAsUser: 1000,
            runAsGroup: 3000,
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            privileged: false,
            capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] },
            seccompProfile: { type: 'RuntimeDefault' },
          },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'FallbackToLogsOnError',
          imagePullPolicy: 'IfNotPresent',
          stdin: false,
          tty: false,
        },
        {
          name: 'grpc-sidecar',
          image: 'registry.example.com/sidecar:1',
          livenessProbe: { grpc: { port: 9000, service: '' } },
          readinessProbe: { tcpSocket: { port: 9000 } },
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 5_000_000_000,
      activeDeadlineSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { 'kubernetes.io/os': 'linux', pool: 'blue' },
      serviceAccountName: 'web',
      serviceAccount: 'web',
      automountServiceAccountToken: false,
      nodeName: 'worker-blue-1',
      securityContext: {
        fsGroup: 2000,
        supplementalGroups: [4000, 5000],
        sysctls: [{ name: 'net.core.somaxconn', value: '1024' }],
        fsGroupChangePolicy: 'OnRootMismatch',
      },
      imagePullSecrets: [{ name: 'registry' }],
      hostname: 'web-0',
      subdomain: 'web',
      schedulerName: 'default-scheduler',
      hostAliases: [{ ip: '10.0.0.5', hostnames: ['db.local', 'cache.local'] }],
      priorityClassName: 'high',
      priority: 1000,
      dnsConfig: {
        nameservers: ['1.1.1.1'],
        searches: ['svc.cluster.local'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
      readinessGates: [{ conditionType: 'example.com/ready' }],
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      setHostnameAsFQDN: false,
      os: { name: 'linux' },
      overhead: { cpu: '10m' },
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: T },
        {
          type: 'Ready',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: T,
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [web]',
        },
      ],
      hostIP: '10.0.1.7',
      hostIPs: [{ ip: '10.0.1.7' }],
      podIP: '10.64.1.9',
      podIPs: [{ ip: '10.64.1.9' }, { ip: 'fd00::9' }],
      startTime: T,
      initContainerStatuses: [
        {
          name: 'migrate',
          state: {
            terminated: {
              exitCode: 0,
              reason: 'Completed',
              startedAt: T,
              finishedAt: '2025-03-04T05:06:09Z',
              containerID: 'containerd://abc',
            },
          },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: 'registry.example.com/web:2.1',
          imageID: 'registry.example.com/web@sha256:0123',
          containerID: 'containerd://abc',
          started: false,
        },
      ],
      containerStatuses: [
        {
          name: 'web',
          state: { running: { startedAt: T } },
          lastState: {
            terminated: {
              exitCode: 137,
              signal: 9,
              reason: 'OOMKilled',
              message: 'out of memory',
              startedAt: T,
              finishedAt: T,
            },
          },
          ready: false,
          restartCount: 2,
          image: 'registry.example.com/web:2.1',
          imageID: 'registry.example.com/web@sha256:0123',
          containerID: 'containerd://def',
          started: true,
          allocatedResources: { cpu: '250m', memory: '256Mi' },
          resources: { requests: { cpu: '250m' } },
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/web', readOnly: true, recursiveReadOnly: 'Disabled' }],
          user: { linux: { uid: 1000, gid: 3000, supplementalGroups: [2000, 4000] } },
        },
        {
          name: 'grpc-sidecar',
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
          lastState: {},
          ready: false,
          restartCount: 7,
          image: 'registry.example.com/sidecar:1',
          imageID: '',
          started: false,
        },
      ],
      qosClass: 'Burstable',
      observedGeneration: 3,
    },
  },

  'scheduling constraints, tolerations without key, non-ASCII labels, deletion, managedFields': {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'agent-x7k2p',
      generateName: 'agent-',
      namespace: 'kube-system',
      uid: '5e4a0c1e-0000-4000-8000-000000000002',
      resourceVersion: '99',
      creationTimestamp: T,
      deletionTimestamp: '2025-03-04T05:10:00Z',
      deletionGracePeriodSeconds: 30,
      labels: {
        app: 'agent',
        'team.example.com/owner': 'équipe-réseau',
        región: 'sudamérica',
        'emoji.example.com/mood': '🙂',
        日本: '東京',
      },
      annotations: { 'kubernetes.io/config.seen': T, note: 'line one\nline "two"\ttabbed', empty: '' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: 'agent',
          uid: '5e4a0c1e-0000-4000-8000-0000000000aa',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      finalizers: ['example.com/cleanup', 'foregroundDeletion'],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time: T,
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:labels': { '.': {}, 'f:app': {} },
              'f:ownerReferences': { 'k:{"uid":"5e4a0c1e-0000-4000-8000-0000000000aa"}': {} },
            },
            'f:spec': { 'f:tolerations': {} },
          },
        },
        {
          manager: 'kubelet',
          operation: 'Update',
          apiVersion: 'v1',
          time: T,
          fieldsType: 'FieldsV1',
          fieldsV1: {},
          subresource: 'status',
        },
      ],
    },
    spec: {
      containers: [{ name: 'agent', image: 'registry.example.com/agent:3', resources: {} }],
      tolerations: [
        { operator: 'Exists' },
        { operator: 'Exists', effect: 'NoExecute' },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'dedicated', operator: 'Equal', value: 'agents', effect: 'NoSchedule' },
        { key: 'flaky', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: -5 },
      ],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }],
                matchFields: [{ key: 'metadata.name', operator: 'In', values: ['worker-1'] }],
              },
            ],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['zone-c', 'zone-d'] }] },
            },
          ],
        },
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 50,
              podAffinityTerm: {
                labelSelector: { matchLabels: { app: 'db' } },
                topologyKey: 'topology.kubernetes.io/zone',
                namespaces: ['data'],
              },
            },
          ],
        },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: {
                matchExpressions: [
                  { key: 'app', operator: 'In', values: ['agent'] },
                  { key: 'canary', operator: 'DoesNotExist' },
                ],
              },
              topologyKey: 'kubernetes.io/hostname',
              namespaceSelector: {},
              matchLabelKeys: ['pod-template-hash'],
            },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'agent' } },
          minDomains: 3,
          nodeAffinityPolicy: 'Honor',
          nodeTaintsPolicy: 'Ignore',
        },
      ],
      hostNetwork: true,
      hostPID: false,
      dnsPolicy: 'ClusterFirstWithHostNet',
      ephemeralContainers: [
        { name: 'debugger', image: 'busybox', command: ['sh'], stdin: true, tty: true, targetContainerName: 'agent' },
      ],
      schedulingGates: [{ name: 'example.com/quota' }],
      resourceClaims: [{ name: 'gpu', resourceClaimTemplateName: 'gpu-template' }],
      resources: { limits: { cpu: '2' } },
    },
    status: {
      phase: 'Pending',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      nominatedNodeName: 'worker-2',
      qosClass: 'BestEffort',
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: null,
          reason: 'SchedulingGated',
          observedGeneration: 1,
        },
      ],
    },
  },

  'a bare pod as a user applies it (no status, no timestamps)': {
    metadata: { name: 'bare', namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'nginx' }],
      volumes: [
        { name: 'v', csi: { driver: 'example.csi', volumeAttributes: { size: '1' } } },
        {
          name: 'e',
          ephemeral: {
            volumeClaimTemplate: {
              metadata: { labels: { a: 'b' } },
              spec: {
                accessModes: ['ReadWriteOnce'],
                resources: { requests: { storage: '1Gi' } },
                storageClassName: '',
              },
            },
          },
        },
      ],
    },
  },
};

describe('pod protobuf round trip', () => {
  it.each(Object.entries(HAND_MADE))('hand-made pod: %s', (_, pod) => {
    const json = asJson(pod) as KObject;
    const decoded = roundTrip(json);
    expect(decoded).toStrictEqual({ apiVersion: 'v1', kind: 'Pod', ...json });
  });

  it('writes empty lists and maps as nothing (read back as absent), and keeps empty messages', () => {
    const pod = asJson(HAND_MADE[Object.keys(HAND_MADE)[0]!]) as KObject & {
      spec: Record<string, unknown>;
      metadata: Record<string, unknown>;
    };
    pod.spec.tolerations = [];
    pod.spec.nodeSelector = {};
    pod.metadata.labels = {};
    const decoded = roundTrip(pod) as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    expect(decoded.spec.tolerations).toBeUndefined();
    expect(decoded.spec.nodeSelector).toBeUndefined();
    expect(decoded.metadata.labels).toBeUndefined();
    expect((decoded.spec.volumes as { emptyDir?: object }[]).some((v) => v.emptyDir !== undefined)).toBe(true);
    expect(decoded).toStrictEqual(withoutEmptyCollections({ apiVersion: 'v1', kind: 'Pod', ...pod }, Pod));
  });

  describe('every pod of a scale workload', () => {
    const cluster = new SandboxCluster({
      version: DEFAULT_VERSION,
      controlPlanes: 3,
      pools: [
        { name: 'blue', count: 10 },
        { name: 'green', count: 10 },
      ],
      workload: { kind: 'scale', nodes: 23, podsPerNode: 30 },
      seed: 7,
      timeScale: 1,
    });
    buildCluster(cluster);
    afterAll(() => cluster.clock.stop());

    it('decodes to the JSON the sandbox serves', () => {
      const pods = cluster.store.list('pods');
      expect(pods.length).toBeGreaterThan(600);
      for (const p of pods) expect(roundTrip(p), p.metadata.name).toStrictEqual(withoutEmptyCollections(p, Pod));
    });

    it('is well under the size of the JSON', () => {
      const pods = cluster.store.list('pods');
      const pb = pods.reduce((n, p) => n + encodePod(p).length, 0);
      const js = pods.reduce((n, p) => n + JSON.stringify(p).length, 0);
      expect(pb / js).toBeLessThan(0.6);
    });
  });
});
