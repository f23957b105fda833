"""The official Python client against the sandbox: a watch as it spells it (`watch=True`).

Usage: watch_true.py KUBECONFIG NAMESPACE GROUP VERSION PLURAL
Creates ConfigMap py-watch in NAMESPACE, then prints one JSON line per event received (type, kind, name), for
the ConfigMaps of NAMESPACE and then for the custom resources GROUP/VERSION/PLURAL of NAMESPACE; each watch ends
when the server closes it (timeout_seconds). Exits non-zero if the server answered a watch with a list.
"""
import json
import sys

from kubernetes import client, config, watch


def main() -> int:
    kubeconfig, namespace, group, version, plural = sys.argv[1:6]
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    custom = client.CustomObjectsApi()
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-watch"), data={"by": "python"})
    try:
        core.create_namespaced_config_map(namespace, body)
    except client.ApiException as e:
        if e.status != 409:
            raise

    # The raw request first: `watch=True` on the query string must get a stream of events, not a ConfigMapList.
    resp = core.list_namespaced_config_map(namespace, watch=True, timeout_seconds=1, _preload_content=False)
    first = resp.readline() if hasattr(resp, "readline") else resp.read().split(b"\n")[0]
    resp.release_conn()
    event = json.loads(first)
    if event.get("kind", "").endswith("List") or "type" not in event:
        print(json.dumps({"error": "a list answered the watch", "got": event.get("kind")}))
        return 1
    print(json.dumps({"raw": event["type"], "kind": event["object"]["kind"]}))

    w = watch.Watch()
    for ev in w.stream(core.list_namespaced_config_map, namespace, timeout_seconds=2):
        print(json.dumps({"type": ev["type"], "kind": ev["object"].kind, "name": ev["object"].metadata.name}))
    w = watch.Watch()
    stream = w.stream(custom.list_namespaced_custom_object, group, version, namespace, plural, timeout_seconds=2)
    for ev in stream:
        obj = ev["object"]
        print(json.dumps({"type": ev["type"], "kind": obj["kind"], "name": obj["metadata"]["name"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
