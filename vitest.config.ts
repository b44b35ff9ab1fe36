import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Contract and docs tests start real processes (Prism, Chromium); two cores, so keep it modest.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
