// Loading the kernels' .wasm — the same code in Node, browsers and workers: the bytes are embedded in the
// @marginflow/kernels module, compiled once per JS realm and instantiated per Runtime.
import { wasmBytes, type KernelExports, type KernelGlobal } from "@marginflow/kernels";
import { Arena } from "./arena.js";

let compiled: Promise<WebAssembly.Module> | undefined;

/** The compiled kernels module (cached; compilation happens once per realm). */
export function compileKernels(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(wasmBytes() as Uint8Array<ArrayBuffer>);
  return compiled;
}

/** Receives an integration's progress reports (t reached, steps so far, the address of the state in the kernels'
 *  memory); returning true asks it to stop. */
export type ProgressHandler = (t: number, steps: number, y: number) => boolean | void;

/** One instance of the kernels with its own memory and arena. Not shared between threads. */
export class Runtime {
  readonly arena: Arena;
  /** The progress handler of the integration in flight (set by the solver for one kernel call). */
  progress: ProgressHandler | undefined;
  private constructor(readonly exports: KernelExports) {
    this.arena = new Arena(exports.memory, exports.heap_base());
  }

  static async create(): Promise<Runtime> {
    let self: Runtime | undefined;
    const instance = await WebAssembly.instantiate(await compileKernels(), {
      env: {
        abort(_msg: number, _file: number, line: number, col: number): never {
          throw new Error(`kernels: abort at ${line}:${col}`);
        },
        // wall-clock deadlines of long integrations (milliseconds, monotonic)
        now: () => performance.now(),
        // an integration's progress report; a nonzero return interrupts it (an exception in the handler
        // propagates out of the kernel call: the integration state is per call, nothing is left half-done)
        progress: (t: number, steps: number, y: number): number => (self?.progress?.(t, steps, y) === true ? 1 : 0),
      },
    });
    self = new Runtime(instance.exports as unknown as KernelExports);
    return self;
  }

  /** Value of an exported constant (status codes, kinds, layouts). */
  constant(name: KernelGlobal): number {
    return this.exports[name].value as number;
  }

  /** Current size of the module's memory in bytes. */
  get memoryBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }
}

let shared: Promise<Runtime> | undefined;

/** The default Runtime of this thread (created on first use). */
export function runtime(): Promise<Runtime> {
  shared ??= Runtime.create();
  return shared;
}
