/**
 * Where the contract differs from what a server publishes or does on purpose: each entry names what it
 * matches, why, and the file of this repository that records the choice. `verify` lists the differences
 * these match apart from the rest; they never fail a run. A test (test/verify/deliberate.test.ts)
 * checks that every cited file exists and names what the entry covers.
 *
 * Input: a difference (schema or probe). Output: the entry that explains it, or undefined.
 */
import type { SchemaDifference } from "./schema-drift.js";

export interface Explanation {
  reason: string;
  /** A file of this repository that records the decision. */
  source: string;
  /** Words the source must contain (checked by the test). */
  mentions: string[];
}

interface Entry extends Explanation {
  matches: (difference: { id: string; aspect?: string; location?: string; contract?: unknown; server?: unknown }) => boolean;
}

const closedValueSets = "docs/decisions/0002-closed-value-sets.md";
const verifyRecord = "docs/decisions/0008-verify-live-clusters.md";

/** Fields where decision 0002 lists `""` as a member: the apiserver treats it as unset. */
const emptyStringMembers = [
  "PodSpec.dnsPolicy",
  "PodSpec.restartPolicy",
  "Container.imagePullPolicy",
  "EphemeralContainer.imagePullPolicy",
  "Container.terminationMessagePolicy",
  "EphemeralContainer.terminationMessagePolicy",
  "HTTPGetAction.scheme",
  "ImageVolumeSource.pullPolicy",
  "ContainerPort.protocol",
  "HostPathVolumeSource.type",
  "Toleration.effect",
  "Toleration.operator",
  "ManagedFieldsEntry.fieldsType",
  "PodStatus.resize",
];

const entries: Entry[] = [
  {
    matches: (d) => d.aspect === "enum" && Array.isArray(d.contract) && d.server === undefined,
    reason: "a closed value set the apiserver enforces in validation (or only its components write) but does not publish",
    source: closedValueSets,
    mentions: ["A string field becomes an enum only when"],
  },
  {
    matches: (d) => d.aspect === "enum" && d.id.endsWith(':enum:""') && emptyStringMembers.includes(d.location ?? ""),
    reason: 'the apiserver treats "" as unset here (defaulting replaces it, or validation allows it)',
    source: closedValueSets,
    mentions: ['is an enum member only where the apiserver treats it as "unset"'],
  },
  {
    matches: (d) => d.aspect === "type" && d.location?.startsWith("Time") === true,
    reason: "the apiserver writes an unset time as JSON null, which its published schema does not allow",
    source: closedValueSets,
    mentions: ['`Time` is `type: [string, "null"]`'],
  },
  {
    matches: (d) => d.aspect === "enum" && d.location === "ContainerStatus.stopSignal" && d.id.endsWith(':enum:""'),
    reason: 'the kubelet writes "" for a runtime signal outside the Signal table, which the published enum leaves out',
    source: closedValueSets,
    mentions: ["runtimeSignalToString"],
  },
  {
    matches: (d) => d.id.endsWith("query dryRun:type"),
    reason: "the apiserver reads dryRun as a list (dryRun=All&dryRun=All is accepted); its published schema says string",
    source: "openapi/components/parameters/DryRun.yaml",
    mentions: ["reads the parameter as a list"],
  },
  {
    matches: (d) => d.id.endsWith("query force:type"),
    reason:
      "the apiserver also reads force spelled as Go's strconv.ParseBool spells booleans (True, 1, t); the contract accepts them",
    source: "openapi/components/parameters/Force.yaml",
    mentions: ["strconv.ParseBool"],
  },
  {
    matches: (d) => d.id === "probe:pretty-bogus:contract-refuses-request" || d.id === "probe:pretty-bogus:prediction",
    reason:
      "the apiserver takes a pretty value strconv.ParseBool cannot read as false; the contract lists only the spellings that mean what they say",
    source: "openapi/components/parameters/Pretty.yaml",
    mentions: ["silently takes any other value as false"],
  },
  {
    matches: (d) => d.aspect === "constraint" && d.server === undefined,
    reason:
      "the contract states the checks the apiserver makes at run time on path and query values (the query-option probes ask the server)",
    source: verifyRecord,
    mentions: ["parameter constraints"],
  },
  {
    matches: (d) => d.aspect === "response-media-type" && d.contract === false,
    reason: "the contract describes JSON answers only; clients ask for them (Accept: application/json)",
    source: verifyRecord,
    mentions: ["JSON answers only"],
  },
];

export function explain(difference: SchemaDifference | { id: string }): Explanation | undefined {
  const entry = entries.find((candidate) => candidate.matches(difference));
  return entry === undefined ? undefined : { reason: entry.reason, source: entry.source, mentions: entry.mentions };
}

/** Every entry's source and the words it must contain (for the test). */
export function explanationSources(): Explanation[] {
  return entries.map(({ reason, source, mentions }) => ({ reason, source, mentions }));
}
