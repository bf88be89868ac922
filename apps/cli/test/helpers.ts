// Runs the built marginflow command as a user would: exit code, stdout and stderr.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export const bin = new URL("../bin/marginflow.js", import.meta.url).pathname;

export async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
