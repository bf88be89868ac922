import { defineConfig } from "vitest/config";

// The browser tests serve the built dist/ (turbo's `test` depends on `build`) and drive Debian's Chromium. Their files
// run one after another: two Chromiums at once on two cores would skew the frame-rate measurements.
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false },
});
