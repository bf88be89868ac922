// The browser Worker: core's Lab exposed over comlink. The kernels are compiled and run on this thread only.
import type { Endpoint } from "comlink";
import { exposeLab } from "@marginflow/core/worker";

exposeLab(self as unknown as Endpoint);
