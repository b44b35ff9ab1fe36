/**
 * vitest globalSetup of the `differential` project (vitest.config.ts): starts one real control plane
 * (tools/apiserver/control-plane.ts) for every differential file, unless the mode is `off`, and provides
 * how to reach it as `inject("apiserver")` (`null` when the suites only replay). Stops it by PID after the
 * last file.
 * Without built binaries the suites replay their recordings; that is a skip of the live part, so with
 * `POD_PATCH_FORBID_SKIPS=1`, or when `APISERVER_LIVE` asks for a live run explicitly, it is an error.
 */
import type { TestProject } from "vitest/node";
import { startControlPlane } from "../../../tools/apiserver/control-plane.js";
import { missingApiserverBinaries, requestedLiveMode, skipsForbidden, type LiveMode } from "./mode.js";

export interface ApiserverConnection {
  url: string;
  token: string;
  caCert: string;
  /** `/version`'s gitVersion, e.g. v1.35.4. */
  version: string;
  kubectl: string;
  mode: Exclude<LiveMode, "off">;
}

declare module "vitest" {
  export interface ProvidedContext {
    apiserver: ApiserverConnection | null;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const requested = requestedLiveMode();
  const missing = missingApiserverBinaries();
  if (requested === "off" || (requested === undefined && missing.length > 0 && !skipsForbidden())) {
    project.provide("apiserver", null);
    return undefined;
  }
  if (missing.length > 0) {
    throw new Error(
      `the real apiserver is required here (APISERVER_LIVE=${requested ?? "unset"}, POD_PATCH_FORBID_SKIPS=${process.env.POD_PATCH_FORBID_SKIPS ?? "unset"}) ` +
        `but its binaries are not built: ${missing.join(", ")}; run: npm run apiserver -- --build-only`,
    );
  }
  const plane = await startControlPlane();
  project.provide("apiserver", {
    url: plane.url,
    token: plane.token,
    caCert: plane.caCert,
    version: plane.version,
    kubectl: plane.binaries.kubectl,
    mode: requested ?? "subset",
  });
  return () => plane.stop();
}
