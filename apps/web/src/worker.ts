// The browser Worker: core's Lab exposed over comlink. The kernels are compiled and run on this thread only. The
// MNIST digits (for nc-mnist items) are the page's own file, read on first use with a synchronous request — core asks
// for them synchronously, and a worker may block.
import type { Endpoint } from "comlink";
import { registerMnist } from "@marginflow/core";
import { exposeLab } from "@marginflow/core/worker";
import { decodeDigits } from "./mnist-asset.js";

registerMnist(() => {
  const url = new URL("./mnist-digits.bin", import.meta.url).href;
  const x = new XMLHttpRequest();
  x.open("GET", url, false);
  x.responseType = "arraybuffer";
  x.send();
  if (x.status !== 200) throw new Error(`the MNIST digits: ${url} answered HTTP ${x.status} (build the page: npm run build -w @marginflow/web)`);
  return decodeDigits(new Uint8Array(x.response as ArrayBuffer));
});
exposeLab(self as unknown as Endpoint);
