// `pod-patch-contract/openapi`: the contract's own types as openapi-typescript generates them from the bundle
// (generated/openapi.ts) — `paths`, `components` and `operations` — for callers who type their own requests,
// use another client, or need a schema the main entry point does not name. Types only: nothing at run time.
export type { $defs, components, operations, paths, webhooks } from "../generated/openapi.js";
