/**
 * The mock's and the proxy's profiles, in a module of their own so that the command lines can check
 * `--profile` without loading Prism (tools/servers/spec.ts applies them to the spec).
 * `kubernetes`: what the apiserver accepts; `cce`: keeps JSON Patch to the operations CCE's page documents.
 */
export const profiles = ["kubernetes", "cce"] as const;
export type Profile = (typeof profiles)[number];
