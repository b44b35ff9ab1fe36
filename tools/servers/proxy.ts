/**
 * `npm run proxy -- --upstream <url>` — a validating proxy in front of a real API server
 * (tools/servers/proxy-server.ts): forwards every request as is and checks request and answer against the
 * bundled contract, printing one stderr line per violation (what, where, which rule).
 *
 * Usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--profile kubernetes|cce] [--errors]
 *                             [--timeout <seconds>] [--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>]
 *                             [--insecure]
 *   --upstream       base URL of the API server, http:// or https://.
 *   --port           TCP port on 127.0.0.1, default 4011; 0 picks a free one.
 *   --spec           bundled spec, default generated/openapi.json.
 *   --profile        `kubernetes` (default) or `cce`: also report JSON Patch operations beyond CCE's
 *                    documented add and replace (docs/decisions/0010-cce-json-patch-profile.md).
 *   --errors         refuse requests that break the contract (401/413/415/400/422 Status, upstream not
 *                    reached) and replace answers that break it (an undeclared status code included) with
 *                    a 502 Status naming the violations.
 *   --timeout        seconds the upstream may take to answer (a validated answer: to finish), default 60;
 *                    past it the client gets a 504 Status. Watch streams and large answers stream on.
 *   --upstream-ca    PEM file of the CA that signed the upstream's certificate (e.g. the cluster's ca.crt).
 *   --upstream-cert, --upstream-key
 *                    PEM client certificate and key for mutual TLS to the cluster (both or neither).
 *   --insecure       do not verify the upstream's certificate; only when you must.
 * Credentials in the request (X-Auth-Token, Authorization) pass through untouched.
 * Output: exactly one stdout line once it accepts requests, `proxy listening on http://127.0.0.1:<port> -> <upstream>`
 * (a user and password in the upstream URL printed as `***`);
 * violations and problems go to stderr. Runs until SIGTERM or SIGINT, then closes the server.
 * Exit codes: 0 after a signal-initiated shutdown; 2 for bad arguments, unreadable PEM files or when the
 * proxy cannot start (unreadable or unbundled spec, Prism internals missing, port in use).
 */
import { readFileSync } from "node:fs";
import { CliUsageError, errorMessage } from "../cli-args.js";
import { parseServerArgs, runServerCli } from "./cli-options.js";
import type { ProxyServerOptions } from "./proxy-server.js";
import { DEFAULT_UPSTREAM_TIMEOUT_MS, displayUrl } from "./upstream.js";

const USAGE = `usage: npm run proxy -- --upstream <url> [--port N] [--spec <path>] [--profile kubernetes|cce] [--errors]
                         [--timeout <seconds>] [--upstream-ca <pem>] [--upstream-cert <pem> --upstream-key <pem>] [--insecure]
  --upstream <url>     base URL of the API server, http:// or https://
  --port N             TCP port on 127.0.0.1, default 4011; 0 picks a free one
  --spec <path>        bundled spec, default generated/openapi.json
  --profile <name>     kubernetes (default): what the apiserver accepts; cce: JSON Patch only add and replace
  --errors             refuse requests and replace answers that break the contract
  --timeout <seconds>  how long the upstream may take to answer, default 60; then a 504 Status
  --upstream-ca <pem>  CA that signed the upstream's certificate
  --upstream-cert <pem> --upstream-key <pem>  client certificate and key for mutual TLS (both or neither)
  --insecure           do not verify the upstream's certificate
  Prints "proxy listening on <url> -> <upstream>" (a password in it as ***), then one stderr line per contract violation.`;

function readPem(option: string, path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliUsageError(`${option}: cannot read ${path}: ${errorMessage(error)}`, USAGE);
  }
}

function timeoutSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > 3600) {
    throw new CliUsageError(`--timeout must be a number of seconds above 0 and at most 3600, got "${text}"`, USAGE);
  }
  return seconds * 1000;
}

function parseOptions(args: string[]): ProxyServerOptions | "help" {
  const parsed = parseServerArgs(args, USAGE, 4011, {
    upstream: { type: "string" },
    errors: { type: "boolean", default: false },
    "upstream-ca": { type: "string" },
    "upstream-cert": { type: "string" },
    "upstream-key": { type: "string" },
    insecure: { type: "boolean", default: false },
    timeout: { type: "string", default: String(DEFAULT_UPSTREAM_TIMEOUT_MS / 1000) },
  });
  if (parsed === "help") return parsed;
  const { values, port, specPath, profile } = parsed;
  const upstream = values.upstream as string | undefined;
  if (upstream === undefined || !/^https?:\/\/[^/]/.test(upstream)) {
    throw new CliUsageError(
      `--upstream must be an http:// or https:// URL, got ${upstream === undefined ? "nothing" : `"${displayUrl(upstream)}"`}`,
      USAGE,
    );
  }
  const pemPath = (option: string) => values[option] as string | undefined;
  if ((pemPath("upstream-cert") === undefined) !== (pemPath("upstream-key") === undefined)) {
    throw new CliUsageError("--upstream-cert and --upstream-key go together", USAGE);
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
    timeoutMs: timeoutSeconds(values.timeout as string),
    report: (line) => console.error(line),
  };
}

runServerCli("proxy", parseOptions, async (options) => {
  // Imported once the arguments are known good: Prism takes most of a second to load.
  const { startProxyServer } = await import("./proxy-server.js");
  const proxy = await startProxyServer(options);
  return { server: proxy, announce: `proxy listening on ${proxy.url} -> ${displayUrl(options.upstream)}` };
});
