/**
 * The command lines of `npm run mock` and `npm run proxy`: their shared options (`--port`, `--spec`,
 * `--profile`) on top of the project's one parser (tools/cli-args.ts: `--help` prints the usage and exits 0,
 * a usage error prints the message and the usage and exits 2), and one way to run a server CLI — a server
 * that cannot start prints why and exits 2, a started one prints its one `<name> listening on …` line and
 * runs until SIGTERM or SIGINT (tools/servers/listen.ts).
 */
import { join } from "node:path";
import type { ParseArgsConfig } from "node:util";
import { CliUsageError, errorMessage, parseCli } from "../cli-args.js";
import { generatedDir } from "../pipeline/common.js";
import { closeOnSignal } from "./listen.js";
import { type Profile, profiles } from "./profiles.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Option values by name: strings for `type: "string"` (arrays with `multiple`), booleans for `type: "boolean"`. */
export type OptionValues = Record<string, string | string[] | boolean | undefined>;

/**
 * Parses `args` strictly (no positionals) with `--port` (default `defaultPort`) and `--spec` added to
 * `options`; `"help"` when the usage was printed.
 */
export function parseServerArgs(
  args: string[],
  usage: string,
  defaultPort: number,
  options: Options,
): "help" | { values: OptionValues; port: number; specPath: string; profile: Profile } {
  const parsed = parseCli(args, usage, {
    ...options,
    port: { type: "string", default: String(defaultPort) },
    spec: { type: "string" },
    profile: { type: "string", default: "kubernetes" },
  });
  if (parsed === "help") return "help";
  const values = parsed.values as OptionValues;
  const portText = values.port as string;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    throw new CliUsageError(`--port must be an integer from 0 to 65535, got "${portText}"`, usage);
  }
  const specPath = (values.spec as string | undefined) ?? join(generatedDir, "openapi.json");
  const profile = values.profile as string;
  if (!(profiles as readonly string[]).includes(profile))
    throw new CliUsageError(`--profile must be one of ${profiles.join(", ")}, got "${profile}"`, usage);
  return { values, port, specPath, profile: profile as Profile };
}

/**
 * Runs a server CLI: `parse` turns argv into options (`"help"` when it printed the usage, a CliUsageError
 * for a usage error), `start` starts the server and returns it with the line to announce.
 */
export function runServerCli<T>(
  name: string,
  parse: (args: string[]) => T | "help",
  start: (options: T) => Promise<{ server: { close(): Promise<void> }; announce: string }>,
): void {
  let options: T | "help";
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`${name}: ${error.message}\n${error.usage}`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") return;
  start(options).then(
    ({ server, announce }) => {
      // Handlers first: whoever reads the line may signal at once, and a signal that arrives before
      // the handler is installed kills the process (exit by SIGTERM, nothing closed, files left behind).
      closeOnSignal(name, server);
      console.log(announce);
    },
    (error: unknown) => {
      console.error(`${name}: cannot start: ${errorMessage(error)}`);
      process.exitCode = 2;
    },
  );
}
