import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Contract and docs tests start real processes (Prism, Chromium); two cores, so keep it modest.
    maxWorkers: 2,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts", "test/docs/**/*.test.ts"] } },
      // The client-against-mock files share one mock process, started once for them (test/support/shared-mock.ts).
      { extends: true, test: { name: "contract", include: ["test/contract/**/*.test.ts"], globalSetup: ["test/support/shared-mock.ts"] } },
    ],
  },
});
