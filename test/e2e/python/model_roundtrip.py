"""Reads a v1 List of Kubernetes objects (JSON on stdin) and round-trips each item through the official Kubernetes
Python client's models (V1 + kind: V1ServiceAccount, V1ClusterRole, V1Job, V1CronJob, ...). Prints the re-serialised
List as JSON: a field the client's models do not know is dropped, a missing required field raises, so the caller
compares the two. The first line of stderr names the client's version."""
import json
import sys

import kubernetes
from kubernetes import client


class Response:
    def __init__(self, data):
        self.data = json.dumps(data)


def main():
    print(f"kubernetes-client {kubernetes.__version__}", file=sys.stderr)
    doc = json.load(sys.stdin)
    api = client.ApiClient()
    items = []
    for item in doc["items"]:
        version = item["apiVersion"].split("/")[-1]
        model = api.deserialize(Response(item), version[0].upper() + version[1:] + item["kind"])
        items.append(api.sanitize_for_serialization(model))
    json.dump({"apiVersion": doc["apiVersion"], "kind": doc["kind"], "items": items}, sys.stdout)


if __name__ == "__main__":
    main()
