"""Runs one session of calls with the official Kubernetes Python client (the `kubernetes` package) and
prints the answers as one JSON array on stdout: [{"status": code, "body": parsed JSON}, ...].

Input (stdin, JSON): {"host", "token", "ca" (PEM text), "namespace", "calls": [{"operation": "patch" |
"read", "name", "contentType", "body", "dryRun", "fieldManager", "force"}]}. Used by
test/differential/mock-vs-apiserver.test.ts against the stateful mock and the real apiserver; the client
sends booleans as Python writes them (force=True), which is part of what is tested.
Exit codes: 0 when every call got an HTTP answer; 1 on anything else (the traceback is on stderr).
"""
import json
import sys
import tempfile

from kubernetes import client
from kubernetes.client.rest import ApiException

MEDIA_TYPES = {
    "json": "application/json-patch+json",
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


def main() -> None:
    session = json.load(sys.stdin)
    with tempfile.NamedTemporaryFile("w", suffix=".pem") as ca:
        ca.write(session["ca"])
        ca.flush()
        configuration = client.Configuration()
        configuration.host = session["host"]
        configuration.api_key = {"authorization": session["token"]}
        configuration.api_key_prefix = {"authorization": "Bearer"}
        configuration.ssl_ca_cert = ca.name
        api = client.CoreV1Api(client.ApiClient(configuration))
        answers = []
        for call in session["calls"]:
            options = {"_preload_content": False}
            if call.get("dryRun"):
                options["dry_run"] = "All"
            if call.get("fieldManager"):
                options["field_manager"] = call["fieldManager"]
            if call.get("force"):
                options["force"] = True
            try:
                if call["operation"] == "read":
                    response = api.read_namespaced_pod(call["name"], session["namespace"], _preload_content=False)
                else:
                    response = api.patch_namespaced_pod(
                        call["name"], session["namespace"], call["body"], _content_type=MEDIA_TYPES[call["contentType"]], **options
                    )
                answers.append({"status": response.status, "body": json.loads(response.data)})
            except ApiException as error:
                answers.append({"status": error.status, "body": json.loads(error.body)})
        json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
