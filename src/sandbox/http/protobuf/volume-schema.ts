/**
 * Protobuf schema of pod volumes (k8s.io/api core/v1 generated.proto): Volume with its inlined VolumeSource
 * and every source it can hold (emptyDir, hostPath, configMap, secret, persistentVolumeClaim, projected,
 * downwardAPI, csi, ephemeral, image and the deprecated in-tree ones).
 * Field numbers transcribed from the upstream file; the JSON names are the Go structs' json tags.
 */
import { message } from './schema.js';
import { LocalObjectReference, ObjectFieldSelector, ResourceFieldSelector } from './container-schema.js';
import { LabelSelector, ObjectMeta } from './meta-schema.js';

export const Volume = message('Volume', {
  name: [1, 'string'],
  volumeSource: [2, () => VolumeSource, 'inline'],
});

export const VolumeSource = message('VolumeSource', {
  hostPath: [1, () => HostPathVolumeSource],
  emptyDir: [2, () => EmptyDirVolumeSource],
  gcePersistentDisk: [3, () => GCEPersistentDiskVolumeSource],
  awsElasticBlockStore: [4, () => AWSElasticBlockStoreVolumeSource],
  gitRepo: [5, () => GitRepoVolumeSource],
  secret: [6, () => SecretVolumeSource],
  nfs: [7, () => NFSVolumeSource],
  iscsi: [8, () => ISCSIVolumeSource],
  glusterfs: [9, () => GlusterfsVolumeSource],
  persistentVolumeClaim: [10, () => PersistentVolumeClaimVolumeSource],
  rbd: [11, () => RBDVolumeSource],
  flexVolume: [12, () => FlexVolumeSource],
  cinder: [13, () => CinderVolumeSource],
  cephfs: [14, () => CephFSVolumeSource],
  flocker: [15, () => FlockerVolumeSource],
  downwardAPI: [16, () => DownwardAPIVolumeSource],
  fc: [17, () => FCVolumeSource],
  azureFile: [18, () => AzureFileVolumeSource],
  configMap: [19, () => ConfigMapVolumeSource],
  vsphereVolume: [20, () => VsphereVirtualDiskVolumeSource],
  quobyte: [21, () => QuobyteVolumeSource],
  azureDisk: [22, () => AzureDiskVolumeSource],
  photonPersistentDisk: [23, () => PhotonPersistentDiskVolumeSource],
  portworxVolume: [24, () => PortworxVolumeSource],
  scaleIO: [25, () => ScaleIOVolumeSource],
  projected: [26, () => ProjectedVolumeSource],
  storageos: [27, () => StorageOSVolumeSource],
  csi: [28, () => CSIVolumeSource],
  ephemeral: [29, () => EphemeralVolumeSource],
  image: [30, () => ImageVolumeSource],
});

export const HostPathVolumeSource = message('HostPathVolumeSource', {
  path: [1, 'string'],
  type: [2, 'string'],
});

export const EmptyDirVolumeSource = message('EmptyDirVolumeSource', {
  medium: [1, 'string'],
  sizeLimit: [2, 'quantity'],
});

export const SecretVolumeSource = message('SecretVolumeSource', {
  secretName: [1, 'string'],
  items: [2, () => KeyToPath, 'repeated'],
  defaultMode: [3, 'int32'],
  optional: [4, 'bool'],
});

export const ConfigMapVolumeSource = message('ConfigMapVolumeSource', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  items: [2, () => KeyToPath, 'repeated'],
  defaultMode: [3, 'int32'],
  optional: [4, 'bool'],
});

export const KeyToPath = message('KeyToPath', {
  key: [1, 'string'],
  path: [2, 'string'],
  mode: [3, 'int32'],
});

export const PersistentVolumeClaimVolumeSource = message('PersistentVolumeClaimVolumeSource', {
  claimName: [1, 'string'],
  readOnly: [2, 'bool'],
});

export const DownwardAPIVolumeSource = message('DownwardAPIVolumeSource', {
  items: [1, () => DownwardAPIVolumeFile, 'repeated'],
  defaultMode: [2, 'int32'],
});

export const DownwardAPIVolumeFile = message('DownwardAPIVolumeFile', {
  path: [1, 'string'],
  fieldRef: [2, () => ObjectFieldSelector],
  resourceFieldRef: [3, () => ResourceFieldSelector],
  mode: [4, 'int32'],
});

export const ProjectedVolumeSource = message('ProjectedVolumeSource', {
  sources: [1, () => VolumeProjection, 'repeated'],
  defaultMode: [2, 'int32'],
});

export const VolumeProjection = message('VolumeProjection', {
  secret: [1, () => SecretProjection],
  downwardAPI: [2, () => DownwardAPIProjection],
  configMap: [3, () => ConfigMapProjection],
  serviceAccountToken: [4, () => ServiceAccountTokenProjection],
  clusterTrustBundle: [5, () => ClusterTrustBundleProjection],
  podCertificate: [6, () => PodCertificateProjection],
});

export const SecretProjection = message('SecretProjection', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  items: [2, () => KeyToPath, 'repeated'],
  optional: [4, 'bool'],
});

export const ConfigMapProjection = message('ConfigMapProjection', {
  localObjectReference: [1, () => LocalObjectReference, 'inline'],
  items: [2, () => KeyToPath, 'repeated'],
  optional: [4, 'bool'],
});

export const DownwardAPIProjection = message('DownwardAPIProjection', {
  items: [1, () => DownwardAPIVolumeFile, 'repeated'],
});

export const ServiceAccountTokenProjection = message('ServiceAccountTokenProjection', {
  audience: [1, 'string'],
  expirationSeconds: [2, 'int64'],
  path: [3, 'string'],
});

export const ClusterTrustBundleProjection = message('ClusterTrustBundleProjection', {
  name: [1, 'string'],
  signerName: [2, 'string'],
  labelSelector: [3, () => LabelSelector],
  path: [4, 'string'],
  optional: [5, 'bool'],
});

export const PodCertificateProjection = message('PodCertificateProjection', {
  signerName: [1, 'string'],
  keyType: [2, 'string'],
  maxExpirationSeconds: [3, 'int32'],
  credentialBundlePath: [4, 'string'],
  keyPath: [5, 'string'],
  certificateChainPath: [6, 'string'],
  userAnnotations: [7, 'string', 'map'],
});

export const CSIVolumeSource = message('CSIVolumeSource', {
  driver: [1, 'string'],
  readOnly: [2, 'bool'],
  fsType: [3, 'string'],
  volumeAttributes: [4, 'string', 'map'],
  nodePublishSecretRef: [5, () => LocalObjectReference],
});

export const EphemeralVolumeSource = message('EphemeralVolumeSource', {
  volumeClaimTemplate: [1, () => PersistentVolumeClaimTemplate],
});

export const PersistentVolumeClaimTemplate = message('PersistentVolumeClaimTemplate', {
  metadata: [1, () => ObjectMeta],
  spec: [2, () => PersistentVolumeClaimSpec],
});

export const PersistentVolumeClaimSpec = message('PersistentVolumeClaimSpec', {
  accessModes: [1, 'string', 'repeated'],
  resources: [2, () => VolumeResourceRequirements],
  volumeName: [3, 'string'],
  selector: [4, () => LabelSelector],
  storageClassName: [5, 'string'],
  volumeMode: [6, 'string'],
  dataSource: [7, () => TypedLocalObjectReference],
  dataSourceRef: [8, () => TypedObjectReference],
  volumeAttributesClassName: [9, 'string'],
});

export const VolumeResourceRequirements = message('VolumeResourceRequirements', {
  limits: [1, 'quantity', 'map'],
  requests: [2, 'quantity', 'map'],
});

export const TypedLocalObjectReference = message('TypedLocalObjectReference', {
  apiGroup: [1, 'string'],
  kind: [2, 'string'],
  name: [3, 'string'],
});

export const TypedObjectReference = message('TypedObjectReference', {
  apiGroup: [1, 'string'],
  kind: [2, 'string'],
  name: [3, 'string'],
  namespace: [4, 'string'],
});

export const ImageVolumeSource = message('ImageVolumeSource', {
  reference: [1, 'string'],
  pullPolicy: [2, 'string'],
});

export const NFSVolumeSource = message('NFSVolumeSource', {
  server: [1, 'string'],
  path: [2, 'string'],
  readOnly: [3, 'bool'],
});

export const GitRepoVolumeSource = message('GitRepoVolumeSource', {
  repository: [1, 'string'],
  revision: [2, 'string'],
  directory: [3, 'string'],
});

export const ISCSIVolumeSource = message('ISCSIVolumeSource', {
  targetPortal: [1, 'string'],
  iqn: [2, 'string'],
  lun: [3, 'int32'],
  iscsiInterface: [4, 'string'],
  fsType: [5, 'string'],
  readOnly: [6, 'bool'],
  portals: [7, 'string', 'repeated'],
  chapAuthDiscovery: [8, 'bool'],
  secretRef: [10, () => LocalObjectReference],
  chapAuthSession: [11, 'bool'],
  initiatorName: [12, 'string'],
});

export const FCVolumeSource = message('FCVolumeSource', {
  targetWWNs: [1, 'string', 'repeated'],
  lun: [2, 'int32'],
  fsType: [3, 'string'],
  readOnly: [4, 'bool'],
  wwids: [5, 'string', 'repeated'],
});

export const GCEPersistentDiskVolumeSource = message('GCEPersistentDiskVolumeSource', {
  pdName: [1, 'string'],
  fsType: [2, 'string'],
  partition: [3, 'int32'],
  readOnly: [4, 'bool'],
});

export const AWSElasticBlockStoreVolumeSource = message('AWSElasticBlockStoreVolumeSource', {
  volumeID: [1, 'string'],
  fsType: [2, 'string'],
  partition: [3, 'int32'],
  readOnly: [4, 'bool'],
});

export const GlusterfsVolumeSource = message('GlusterfsVolumeSource', {
  endpoints: [1, 'string'],
  path: [2, 'string'],
  readOnly: [3, 'bool'],
});

export const RBDVolumeSource = message('RBDVolumeSource', {
  monitors: [1, 'string', 'repeated'],
  image: [2, 'string'],
  fsType: [3, 'string'],
  pool: [4, 'string'],
  user: [5, 'string'],
  keyring: [6, 'string'],
  secretRef: [7, () => LocalObjectReference],
  readOnly: [8, 'bool'],
});

export const FlexVolumeSource = message('FlexVolumeSource', {
  driver: [1, 'string'],
  fsType: [2, 'string'],
  secretRef: [3, () => LocalObjectReference],
  readOnly: [4, 'bool'],
  options: [5, 'string', 'map'],
});

export const CinderVolumeSource = message('CinderVolumeSource', {
  volumeID: [1, 'string'],
  fsType: [2, 'string'],
  readOnly: [3, 'bool'],
  secretRef: [4, () => LocalObjectReference],
});

export const CephFSVolumeSource = message('CephFSVolumeSource', {
  monitors: [1, 'string', 'repeated'],
  path: [2, 'string'],
  user: [3, 'string'],
  secretFile: [4, 'string'],
  secretRef: [5, () => LocalObjectReference],
  readOnly: [6, 'bool'],
});

export const FlockerVolumeSource = message('FlockerVolumeSource', {
  datasetName: [1, 'string'],
  datasetUUID: [2, 'string'],
});

export const AzureFileVolumeSource = message('AzureFileVolumeSource', {
  secretName: [1, 'string'],
  shareName: [2, 'string'],
  readOnly: [3, 'bool'],
});

export const VsphereVirtualDiskVolumeSource = message('VsphereVirtualDiskVolumeSource', {
  volumePath: [1, 'string'],
  fsType: [2, 'string'],
  storagePolicyName: [3, 'string'],
  storagePolicyID: [4, 'string'],
});

export const QuobyteVolumeSource = message('QuobyteVolumeSource', {
  registry: [1, 'string'],
  volume: [2, 'string'],
  readOnly: [3, 'bool'],
  user: [4, 'string'],
  group: [5, 'string'],
  tenant: [6, 'string'],
});

export const AzureDiskVolumeSource = message('AzureDiskVolumeSource', {
  diskName: [1, 'string'],
  diskURI: [2, 'string'],
  cachingMode: [3, 'string'],
  fsType: [4, 'string'],
  readOnly: [5, 'bool'],
  kind: [6, 'string'],
});

export const PhotonPersistentDiskVolumeSource = message('PhotonPersistentDiskVolumeSource', {
  pdID: [1, 'string'],
  fsType: [2, 'string'],
});

export const PortworxVolumeSource = message('PortworxVolumeSource', {
  volumeID: [1, 'string'],
  fsType: [2, 'string'],
  readOnly: [3, 'bool'],
});

export const ScaleIOVolumeSource = message('ScaleIOVolumeSource', {
  gateway: [1, 'string'],
  system: [2, 'string'],
  secretRef: [3, () => LocalObjectReference],
  sslEnabled: [4, 'bool'],
  protectionDomain: [5, 'string'],
  storagePool: [6, 'string'],
  storageMode: [7, 'string'],
  volumeName: [8, 'string'],
  fsType: [9, 'string'],
  readOnly: [10, 'bool'],
});

export const StorageOSVolumeSource = message('StorageOSVolumeSource', {
  volumeName: [1, 'string'],
  volumeNamespace: [2, 'string'],
  fsType: [3, 'string'],
  readOnly: [4, 'bool'],
  secretRef: [5, () => LocalObjectReference],
});
