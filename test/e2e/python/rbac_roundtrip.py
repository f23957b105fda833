"""Reads a v1 List of RBAC objects (JSON on stdin) and round-trips each item through the official Kubernetes
Python client's models (V1ServiceAccount, V1ClusterRole, ...). Prints the re-serialised List as JSON: a field the
upstream models do not know is dropped, a missing required field raises, so the caller compares the two."""
import json
import sys

from kubernetes import client

MODELS = {
    "ServiceAccount": "V1ServiceAccount",
    "ClusterRole": "V1ClusterRole",
    "ClusterRoleBinding": "V1ClusterRoleBinding",
    "Role": "V1Role",
    "RoleBinding": "V1RoleBinding",
}


class Response:
    def __init__(self, data):
        self.data = json.dumps(data)


def main():
    doc = json.load(sys.stdin)
    api = client.ApiClient()
    items = []
    for item in doc["items"]:
        model = api.deserialize(Response(item), MODELS[item["kind"]])
        items.append(api.sanitize_for_serialization(model))
    json.dump({"apiVersion": doc["apiVersion"], "kind": doc["kind"], "items": items}, sys.stdout)


if __name__ == "__main__":
    main()
