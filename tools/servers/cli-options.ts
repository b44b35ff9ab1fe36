/**
 * The command lines of `npm run mock` and `npm run proxy`: their shared options (`--port`, `--spec`,
 * `--profile`),
 * strict parsing, and one way to run a server CLI — usage errors print the message and the usage line
 * and exit 2, a server that cannot start prints why and exits 2, a started one prints its one
 * `<name> listening on …` line and runs until SIGTERM or SIGINT (tools/servers/listen.ts).
 */
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { errorMessage, generatedDir } from "../pipeline/common.js";
import { closeOnSignal } from "./listen.js";
import { type Profile, profiles } from "./spec.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Option values by name: strings for `type: "string"`, booleans for `type: "boolean"`. */
export type OptionValues = Record<string, string | boolean | undefined>;

/** Parses `args` strictly (no positionals) with `--port` (default `defaultPort`) and `--spec` added to `options`. */
export function parseServerArgs(
  args: string[],
  defaultPort: number,
  options: Options,
): { values: OptionValues; port: number; specPath: string; profile: Profile } {
  const { values } = parseArgs({
    args,
    options: {
      ...options,
      port: { type: "string", default: String(defaultPort) },
      spec: { type: "string" },
      profile: { type: "string", default: "kubernetes" },
    },
    strict: true,
    allowPositionals: false,
  }) as { values: OptionValues };
  const portText = values.port as string;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${portText}"`);
  }
  const specPath = (values.spec as string | undefined) ?? join(generatedDir, "openapi.json");
  const profile = values.profile as string;
  if (!(profiles as readonly string[]).includes(profile))
    throw new Error(`--profile must be one of ${profiles.join(", ")}, got "${profile}"`);
  return { values, port, specPath, profile: profile as Profile };
}

/**
 * Runs a server CLI: `parse` turns argv into options (throwing for a usage error), `start` starts the
 * server and returns it with the line to announce.
 */
export function runServerCli<T>(
  name: string,
  usage: string,
  parse: (args: string[]) => T,
  start: (options: T) => Promise<{ server: { close(): Promise<void> }; announce: string }>,
): void {
  let options: T;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`${name}: ${errorMessage(error)}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  start(options).then(
    ({ server, announce }) => {
      console.log(announce);
      closeOnSignal(name, server);
    },
    (error: unknown) => {
      console.error(`${name}: cannot start: ${errorMessage(error)}`);
      process.exitCode = 2;
    },
  );
}
