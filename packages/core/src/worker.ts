// Exposes a Lab over any comlink endpoint: `self` in a browser Worker, nodeEndpoint(parentPort) in a
// node:worker_threads worker. The apps' worker files are one call to this.
import { expose, type Endpoint } from "comlink";
import { createLab } from "./lab.js";

export function exposeLab(endpoint: Endpoint): void {
  expose(createLab(), endpoint);
}
