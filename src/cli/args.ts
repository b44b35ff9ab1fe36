/**
 * The one way every command-line tool of the project reads its arguments: `--help`/`-h` prints the usage
 * on stdout and the caller exits 0 having done nothing; anything else is parsed strictly (an unknown
 * flag, a missing value or a stray positional is a `CliUsageError`, which `runCli` turns into the message,
 * the usage and exit 2). Every npm script of package.json answers this way; test/cli/scripts.test.ts holds
 * each of them to it. Error style, the same for every tool: `<name>: <message>` on stderr (plus the usage
 * for a usage error). It lives in src/ because the shipped CLIs use it and src/ never imports tools/; the
 * tools import it through tools/cli-args.ts.
 */
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";

export class CliUsageError extends Error {
  override name = "CliUsageError";
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface ParseCliSettings {
  /** Accept positionals (the caller checks how many it got); refused by default. */
  allowPositionals?: boolean;
  /** Where the usage goes for `--help`; stdout by default. */
  print?: (usage: string) => void;
}

/** The parsed values (and positionals, empty unless allowed). */
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: boolean }>
>;

/** `"help"` when the usage was printed; otherwise the parsed values. */
export function parseCli<O extends Options>(
  args: string[],
  usage: string,
  options: O,
  { allowPositionals = false, print = console.log }: ParseCliSettings = {},
): "help" | Parsed<O> {
  if (args.includes("--help") || args.includes("-h")) {
    print(usage);
    return "help" as const;
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new CliUsageError(errorMessage(error), usage);
  }
}

/**
 * Runs a CLI's main: its resolved number is the exit code; a `CliUsageError` exits 2 with the usage, any
 * other error exits `failureCode` with `name: message` (no stack trace).
 */
export function runCli(name: string, main: () => Promise<number>, failureCode = 1): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof CliUsageError) {
        console.error(`${name}: ${error.message}\n${error.usage}`);
        process.exitCode = 2;
      } else {
        console.error(`${name}: ${errorMessage(error)}`);
        process.exitCode = failureCode;
      }
    },
  );
}

/**
 * True when the module at `moduleUrl` is the script node was started with (not an import). Node gives a
 * module its real path, while argv[1] may be a symlink to it: npm's `node_modules/.bin/<bin>` is one.
 */
export function isEntryPoint(moduleUrl: string): boolean {
  if (process.argv[1] === undefined) return false;
  let started = resolve(process.argv[1]);
  try {
    started = realpathSync(started);
  } catch {}
  return started === fileURLToPath(moduleUrl);
}
