import { defineConfig } from "vitest/config";

// The browser test serves the built dist/ (turbo's `test` depends on `build`) and drives Debian's Chromium.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000 },
});
