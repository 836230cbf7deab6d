// Validates Kubernetes manifests against the JSON schemas of the Kubernetes API (kubernetes-models)
// and of prometheus-operator, offline. Input: a JSON file holding an array of manifests.
// Output: one JSON line per manifest, {kind, name, schema, error}; schema false when no schema
// is known for its apiVersion and kind (e.g. Strimzi's KafkaTopic).
import { readFileSync } from "node:fs";

const modules = (apiVersion) => {
  if (apiVersion === "v1") return ["kubernetes-models/v1"];
  if (apiVersion.startsWith("monitoring.coreos.com/")) return [`@kubernetes-models/prometheus-operator/${apiVersion}`];
  return [`kubernetes-models/${apiVersion}`];
};

const manifests = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const manifest of manifests) {
  const result = { kind: manifest.kind, name: manifest.metadata?.name, schema: false, error: null };
  for (const name of modules(manifest.apiVersion ?? "")) {
    let model;
    try {
      model = (await import(name))[manifest.kind];
    } catch {
      model = undefined;
    }
    if (!model) continue;
    result.schema = true;
    try {
      new model(manifest).validate();
    } catch (e) {
      result.error = String(e.message ?? e);
    }
  }
  console.log(JSON.stringify(result));
}
