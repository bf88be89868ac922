// A node:worker_threads worker exposing core's Lab over comlink.
import { parentPort } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { exposeLab } from "@marginflow/core/worker";
import { registerNodeMnist } from "./mnist.js";

if (!parentPort) throw new Error("worker.ts must run in a worker thread");
registerNodeMnist();
exposeLab(nodeEndpoint(parentPort));
