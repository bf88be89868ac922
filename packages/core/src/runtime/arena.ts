// The host side of WASM memory: a bump arena above the module's static data. Allocation is a pointer bump;
// lifetimes are explicit (mark → release, or scope()), so a process that runs thousands of integrations
// reuses the same bytes and the memory grows only when one run needs more than any run before it.

const ALIGN = 16; // v128 alignment

/** A typed window onto f64s in WASM memory. Views are rebuilt on access, so memory growth never detaches them. */
export class F64Buffer {
  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly ptr: number,
    readonly length: number,
  ) {}
  /** A Float64Array aliasing the buffer (valid until the next allocation that grows memory). */
  get view(): Float64Array {
    return new Float64Array(this.memory.buffer, this.ptr, this.length);
  }
  set(values: ArrayLike<number>, offset = 0): this {
    this.view.set(values, offset);
    return this;
  }
  /** A copy that outlives the arena. */
  toArray(): Float64Array {
    return this.view.slice();
  }
}

/** A typed window onto f32s in WASM memory (F64Buffer's single-precision twin). */
export class F32Buffer {
  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly ptr: number,
    readonly length: number,
  ) {}
  get view(): Float32Array {
    return new Float32Array(this.memory.buffer, this.ptr, this.length);
  }
  set(values: ArrayLike<number>, offset = 0): this {
    this.view.set(values, offset);
    return this;
  }
  toArray(): Float32Array {
    return this.view.slice();
  }
}

export class Arena {
  /** First byte the arena hands out (the module's heap base, aligned). */
  readonly base: number;
  private top: number;
  private highWater: number;
  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.base = align(heapBase);
    this.top = this.base;
    this.highWater = this.top;
  }

  /** Reserves `bytes` bytes (16-byte aligned, contents unspecified) and returns their address. */
  allocBytes(bytes: number): number {
    const ptr = this.top;
    const end = align(ptr + bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / 65536));
    this.top = end;
    if (end > this.highWater) this.highWater = end;
    return ptr;
  }

  /** Reserves n f64s, optionally filled from `values`. */
  f64(n: number, values?: ArrayLike<number>): F64Buffer {
    const buf = new F64Buffer(this.memory, this.allocBytes(n * 8), n);
    if (values) buf.set(values);
    return buf;
  }

  /** Reserves n f32s, optionally filled from `values` (rounded to single precision). */
  f32(n: number, values?: ArrayLike<number>): F32Buffer {
    const buf = new F32Buffer(this.memory, this.allocBytes(n * 4), n);
    if (values) buf.set(values);
    return buf;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark < this.base || mark > this.top) throw new RangeError(`arena: release(${mark}) outside [${this.base}, ${this.top}]`);
    this.top = mark;
  }

  /** Runs fn with everything it allocates freed afterwards (also on throw). */
  scope<T>(fn: (arena: this) => T): T {
    const m = this.mark();
    try {
      return fn(this);
    } finally {
      this.release(m);
    }
  }

  /** Bytes in use now / at most so far (diagnostics and the no-growth test). */
  get used(): number {
    return this.top - this.base;
  }
  get peak(): number {
    return this.highWater - this.base;
  }
}

function align(x: number): number {
  return (x + ALIGN - 1) & ~(ALIGN - 1);
}
