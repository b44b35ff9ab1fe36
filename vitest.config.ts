import { defineConfig } from "vitest/config";

/** One project per folder of test/, named after what its files exercise (docs/decisions/0007-layout.md). */
const folders = ["engine", "patches", "client", "cli", "servers", "spec", "pipeline", "docs", "verify", "yaml", "hostile"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Contract and docs tests start real processes (Prism, Chromium); two cores, so keep it modest.
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      ...folders.map((folder) => ({ extends: true as const, test: { name: folder, include: [`test/${folder}/**/*.test.ts`] } })),
      // The client-against-mock files share one mock process, started once for them (test/support/shared-mock.ts).
      {
        extends: true,
        test: { name: "contract", include: ["test/contract/**/*.test.ts"], globalSetup: ["test/support/shared-mock.ts"] },
      },
      // The package installed as users install it (npm pack, a git URL, a path): minutes of npm and tsc on two
      // cores, so it runs after every other project, not next to the tests that time the mock's answers.
      { extends: true, test: { name: "package", include: ["test/package/**/*.test.ts"], sequence: { groupOrder: 1 } } },
      // Differential suites share one real control plane when its binaries are built (test/differential/support/live-apiserver.ts).
      {
        extends: true,
        test: {
          name: "differential",
          include: ["test/differential/**/*.test.ts"],
          globalSetup: ["test/differential/support/live-apiserver.ts"],
        },
      },
    ],
  },
});
