# PyTorch peer of marginflow's training step (CPU). Two modes:
#   train_torch.py bench [--steps N] [--repeat R] [--threads T] [--warmup W]
#     times the SGD step (forward, cross-entropy, backward, SGD lr 0.01 momentum 0.9, zero_grad) on fixed-seed random
#     data, batch 128, for the "mlp" and "conv" models in float32 and float64; after W warm-up steps it times R runs of N
#     steps and writes {"torch": …, "threads": T, "rows": [{"framework": "pytorch", "model", "dtype", "batch",
#     "stepsPerSec" (median run), "flopsPerStep" (analytic GEMM count: 2·m·n·k for forward, dX except the first layer,
#     dW; conv as its im2col GEMM), "gflops", "runs": [steps/s per run]}]}.
#   train_torch.py replay
#     reads {"layers": [{"kind": "dense", "in", "out", "W": [out×in row-major], "b": [out] | null} | {"kind": "relu"} |
#     {"kind": "lnorm"}], "X": [N×d row-major], "d", "y": [N], "batches": [[indices], …], "lr", "momentum", "nesterov",
#     "weightDecay", "loss": "ce" | "square"} on stdin, trains exactly in float64 with torch.optim.SGD, one step per
#     batch, and writes {"theta": [[W flat, b] per dense layer], "losses": [mean batch loss before each step]}.
#     "lnorm" is marginflow's layer normalization: c = h − mean(h), h' = c/‖c‖₂ per row (no eps, no √width factor).
import json, os, statistics, sys, time

# Debian's torch does its GEMMs in OpenBLAS (pthreads), whose pool torch.set_num_threads does not reach and which is
# sized when the library loads: fix it (and OpenMP's) from --threads before importing torch.
_threads = "1"
if "--threads" in sys.argv[:-1]:
    _threads = sys.argv[sys.argv.index("--threads") + 1]
if sys.argv[1:2] != ["bench"] or not _threads.isdigit() or _threads == "0":
    _threads = "1"  # a bad value is reported by parse_flags
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = _threads

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 128


def fail(msg):
    print(f"train_torch.py: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_flags(argv, defaults):
    out = dict(defaults)
    i = 0
    while i < len(argv):
        key = argv[i]
        if not key.startswith("--") or key[2:] not in out or i + 1 >= len(argv):
            fail(f"bad argument {key!r} (flags: {', '.join('--' + k for k in defaults)})")
        try:
            out[key[2:]] = int(argv[i + 1])
        except ValueError:
            fail(f"{key} needs an integer, got {argv[i + 1]!r}")
        if out[key[2:]] < (0 if key == "--warmup" else 1):
            fail(f"{key} must be positive")
        i += 2
    return out


# ---------------------------------------------------------------- bench

def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                         nn.LayerNorm(256, elementwise_affine=False), nn.Linear(256, 10))


def conv():
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16 * 7 * 7, 10))


def gemm_flops(m, n, k, first):
    """Forward + dW, plus dX unless this is the first layer: 2·m·n·k each."""
    return 2 * m * n * k * (2 if first else 3)


def flops_per_step(model, B=BATCH):
    if model == "mlp":
        dims = [(784, 256), (256, 256), (256, 10)]
        return sum(gemm_flops(B, o, i, j == 0) for j, (i, o) in enumerate(dims))
    # conv as im2col: m = B·H·W output positions, n = out channels, k = in channels·3·3
    return (gemm_flops(B * 28 * 28, 8, 1 * 9, True) + gemm_flops(B * 14 * 14, 16, 8 * 9, False)
            + gemm_flops(B, 10, 16 * 7 * 7, False))


def bench(argv):
    opt = parse_flags(argv, {"steps": 40, "repeat": 5, "threads": 1, "warmup": 10})
    torch.set_num_threads(opt["threads"])
    rows = []
    for model_name in ("mlp", "conv"):
        for dtype_name, dtype in (("float32", torch.float32), ("float64", torch.float64)):
            torch.manual_seed(0)
            net = (mlp() if model_name == "mlp" else conv()).to(dtype)
            shape = (BATCH, 784) if model_name == "mlp" else (BATCH, 1, 28, 28)
            x = torch.randn(shape, dtype=dtype)
            y = torch.randint(0, 10, (BATCH,))
            sgd = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

            def step():
                loss = F.cross_entropy(net(x), y)
                loss.backward()
                sgd.step()
                sgd.zero_grad()
                return loss

            for _ in range(opt["warmup"]):
                step()
            runs = []
            for _ in range(opt["repeat"]):
                t = time.perf_counter()
                for _ in range(opt["steps"]):
                    loss = step()
                loss.item()
                runs.append(opt["steps"] / (time.perf_counter() - t))
            sps = statistics.median(runs)
            fl = flops_per_step(model_name)
            rows.append({"framework": "pytorch", "model": model_name, "dtype": dtype_name, "batch": BATCH,
                         "stepsPerSec": sps, "flopsPerStep": fl, "gflops": sps * fl / 1e9, "runs": runs})
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": rows}, sys.stdout)
    sys.stdout.write("\n")


# ---------------------------------------------------------------- replay

def lnorm(h):
    c = h - h.mean(dim=1, keepdim=True)
    return c / c.norm(dim=1, keepdim=True)


def as_tensor(v, name, dtype=torch.float64):
    try:
        return torch.tensor(v, dtype=dtype)
    except (TypeError, ValueError, RuntimeError):
        fail(f"{name} must be a flat array of numbers")


def replay(argv):
    if argv:
        fail(f"replay takes no arguments (got {' '.join(argv)})")
    torch.set_num_threads(1)
    try:
        inp = json.load(sys.stdin)
    except json.JSONDecodeError as e:
        fail(f"stdin is not JSON: {e}")
    if not isinstance(inp, dict):
        fail("stdin must hold one JSON object")
    for key in ("layers", "X", "d", "y", "batches"):
        if key not in inp:
            fail(f"missing field {key!r}")
    layers = inp["layers"]
    if not isinstance(layers, list) or not layers:
        fail("layers must be a non-empty array")
    d = inp["d"]
    if not isinstance(d, int) or d < 1:
        fail("d must be a positive integer")
    X = as_tensor(inp["X"], "X")
    if X.dim() != 1 or X.numel() % d != 0 or X.numel() == 0:
        fail(f"X must be a flat array whose length is a multiple of d={d}")
    N = X.numel() // d
    X = X.reshape(N, d)
    y = as_tensor(inp["y"], "y", torch.int64)
    if y.dim() != 1 or y.numel() != N:
        fail(f"y must hold N={N} class indices")

    params, ops, width = [], [], d
    for j, L in enumerate(layers):
        kind = L.get("kind") if isinstance(L, dict) else None
        if kind == "dense":
            I, O = L.get("in"), L.get("out")
            if I != width or not isinstance(O, int) or O < 1:
                fail(f"layers[{j}]: dense needs in={width} and a positive out (got in={I}, out={O})")
            W = as_tensor(L.get("W"), f"layers[{j}].W")
            if W.dim() != 1 or W.numel() != O * I:
                fail(f"layers[{j}].W must hold out·in = {O * I} numbers")
            W = W.reshape(O, I).requires_grad_()
            b = None
            if L.get("b") is not None:
                b = as_tensor(L["b"], f"layers[{j}].b")
                if b.dim() != 1 or b.numel() != O:
                    fail(f"layers[{j}].b must hold out = {O} numbers")
                b.requires_grad_()
            params.append((W, b))
            ops.append(lambda h, W=W, b=b: F.linear(h, W, b))
            width = O
        elif kind == "relu":
            ops.append(torch.relu)
        elif kind == "lnorm":
            ops.append(lnorm)
        else:
            fail(f"layers[{j}]: unknown kind {kind!r} (dense, relu, lnorm)")
    if not params:
        fail("layers need at least one dense layer")
    K = width
    if int(y.min()) < 0 or int(y.max()) >= K:
        fail(f"y must be class indices in [0, {K})")

    loss_kind = inp.get("loss", "ce")
    if loss_kind not in ("ce", "square"):
        fail(f"loss must be \"ce\" or \"square\" (got {loss_kind!r})")
    lr, momentum = inp.get("lr", 0.01), inp.get("momentum", 0) or 0
    nesterov, wd = bool(inp.get("nesterov", False)), inp.get("weightDecay", 0) or 0
    for name, v in (("lr", lr), ("momentum", momentum), ("weightDecay", wd)):
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0:
            fail(f"{name} must be a non-negative number")
    if nesterov and momentum <= 0:
        fail("nesterov needs momentum > 0")
    flat = [p for W, b in params for p in ((W, b) if b is not None else (W,))]
    sgd = torch.optim.SGD(flat, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=wd)

    batches = inp["batches"]
    if not isinstance(batches, list):
        fail("batches must be an array of index arrays")
    losses = []
    for s, idx in enumerate(batches):
        idx = as_tensor(idx, f"batches[{s}]", torch.int64)
        if idx.dim() != 1 or idx.numel() == 0 or int(idx.min()) < 0 or int(idx.max()) >= N:
            fail(f"batches[{s}] must be a non-empty array of sample indices in [0, {N})")
        h = X[idx]
        for op in ops:
            h = op(h)
        if loss_kind == "ce":
            loss = F.cross_entropy(h, y[idx])
        else:
            loss = 0.5 * ((h - F.one_hot(y[idx], K).to(h.dtype)) ** 2).sum(1).mean()
        sgd.zero_grad()
        loss.backward()
        sgd.step()
        losses.append(loss.item())
    theta = [torch.cat([W.detach().reshape(-1)] + ([b.detach()] if b is not None else [])).tolist() for W, b in params]
    json.dump({"theta": theta, "losses": losses}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("bench", "replay"):
        fail("usage: train_torch.py bench [--steps N] [--repeat R] [--threads T] [--warmup W] | replay < input.json")
    (bench if sys.argv[1] == "bench" else replay)(sys.argv[2:])
