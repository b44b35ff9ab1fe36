/** The one argument parser of every CLI lives in src/cli/args.ts (the package's own CLIs use it too). */
export {
  CliUsageError,
  errorMessage,
  isEntryPoint,
  type ParseCliSettings,
  parseCli,
  runCli,
} from "../src/cli/args.js";
