/**
 * `npm run proxy -- --upstream <url>` — a validating proxy in front of a real API server
 * (tools/servers/proxy-server.ts): forwards every request as is and checks request and answer against the
 * bundled contract, printing one stderr line per violation (what, where, which rule).
 *
 * Usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--profile kubernetes|cce] [--errors]
 *                             [--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>] [--insecure]
 *   --upstream       base URL of the API server, http:// or https://.
 *   --port           TCP port on 127.0.0.1, default 4011; 0 picks a free one.
 *   --spec           bundled spec, default generated/openapi.json.
 *   --profile        `kubernetes` (default) or `cce`: also report JSON Patch operations beyond CCE's
 *                    documented add and replace (docs/decisions/0010-cce-json-patch-profile.md).
 *   --errors         refuse requests that break the contract (401/413/415/400/422 Status, upstream not
 *                    reached) and replace answers that break it with a 502 Status naming the violations.
 *   --upstream-ca    PEM file of the CA that signed the upstream's certificate (e.g. the cluster's ca.crt).
 *   --upstream-cert, --upstream-key
 *                    PEM client certificate and key for mutual TLS to the cluster (both or neither).
 *   --insecure       do not verify the upstream's certificate; only when you must.
 * Credentials in the request (X-Auth-Token, Authorization) pass through untouched.
 * Output: exactly one stdout line once it accepts requests, `proxy listening on http://127.0.0.1:<port> -> <upstream>`;
 * violations and problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments, unreadable PEM files or when the
 * proxy cannot start (unreadable or unbundled spec, Prism internals missing, port in use).
 */
import { readFileSync } from "node:fs";
import { parseServerArgs, runServerCli } from "./cli-options.js";
import { startProxyServer, type ProxyServerOptions } from "./proxy-server.js";

const USAGE =
  "usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--profile kubernetes|cce] [--errors] " +
  "[--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>] [--insecure]";

function readPem(option: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${option}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseOptions(args: string[]): ProxyServerOptions {
  const { values, port, specPath, profile } = parseServerArgs(args, 4011, {
    upstream: { type: "string" },
    errors: { type: "boolean", default: false },
    "upstream-ca": { type: "string" },
    "upstream-cert": { type: "string" },
    "upstream-key": { type: "string" },
    insecure: { type: "boolean", default: false },
  });
  const upstream = values.upstream as string | undefined;
  if (upstream === undefined || !/^https?:\/\/[^/]/.test(upstream)) {
    throw new Error(`--upstream must be an http:// or https:// URL, got ${upstream === undefined ? "nothing" : `"${upstream}"`}`);
  }
  const pemPath = (option: string) => values[option] as string | undefined;
  if ((pemPath("upstream-cert") === undefined) !== (pemPath("upstream-key") === undefined)) {
    throw new Error("--upstream-cert and --upstream-key go together");
  }
  const ca = readPem("--upstream-ca", pemPath("upstream-ca"));
  const cert = readPem("--upstream-cert", pemPath("upstream-cert"));
  const key = readPem("--upstream-key", pemPath("upstream-key"));
  return {
    specPath,
    profile,
    port,
    upstream,
    upstreamTls: {
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      insecure: values.insecure === true,
    },
    errors: values.errors === true,
    report: (line) => console.error(line),
  };
}

runServerCli("proxy", USAGE, parseOptions, async (options) => {
  const proxy = await startProxyServer(options);
  return { server: proxy, announce: `proxy listening on ${proxy.url} -> ${options.upstream}` };
});
