# NumPy peer of core/src/collapse: the same neural-collapse definitions, computed directly in two passes (d×d
# covariances, np.linalg.pinv of Σ_B). The test mode reads {"H": [[...]], "y": [...], "K": K, "W": [[...]] | null,
# "b": [...] | null, "globalMean": …} as JSON on stdin and writes the metrics as JSON; the bench mode
#   collapse_numpy.py --npy H.npy y.npy W.npy b.npy K REPEAT [WARMUP]
# times REPEAT computations (after loading and WARMUP untimed ones, default 0) and writes {"metrics": …, "seconds": [...]}.
import json, sys, time
import numpy as np

bench = len(sys.argv) > 1 and sys.argv[1] == "--npy"
if bench:
    inp = {"H": np.load(sys.argv[2]), "y": np.load(sys.argv[3]), "W": np.load(sys.argv[4]), "b": np.load(sys.argv[5]), "K": int(sys.argv[6])}
    repeat = int(sys.argv[7])
    warmup = int(sys.argv[8]) if len(sys.argv) > 8 else 0
else:
    inp = json.load(sys.stdin)
    repeat = 1
    warmup = 0


def metrics(inp):
    H = np.asarray(inp["H"], dtype=np.float64)
    y = np.asarray(inp["y"], dtype=np.int64)
    K = int(inp["K"])
    N, d = H.shape
    counts = np.array([np.sum(y == k) for k in range(K)], dtype=np.float64)
    mu = np.stack([H[y == k].mean(axis=0) for k in range(K)])
    muG = H.mean(axis=0) if inp.get("globalMean", "samples") == "samples" else mu.mean(axis=0)
    M = mu - muG
    R = H - mu[y]
    SW = R.T @ R / N
    SB = M.T @ M / K
    t = np.trace(SW @ np.linalg.pinv(SB))
    var = np.array([np.sum(R[y == k] ** 2) / counts[k] for k in range(K)])
    pairs = [(a, c) for a in range(K) for c in range(a + 1, K)]
    dist2 = np.array([np.sum((mu[a] - mu[c]) ** 2) for a, c in pairs])
    num = np.array([var[a] + var[c] for a, c in pairs])
    norms = np.linalg.norm(M, axis=1)
    cv = lambda v: np.std(v) / abs(np.mean(v))
    def cosines(A):
        G = A @ A.T
        return np.array([G[a, c] / np.sqrt(G[a, a] * G[c, c]) for a, c in pairs])
    def etf(A):
        G = A @ A.T
        return np.linalg.norm(G / np.linalg.norm(G) - (np.eye(K) - np.ones((K, K)) / K) / np.sqrt(K - 1))
    cos = cosines(M)
    out = {
        "nc1": t / K, "nc1Unscaled": t, "nc1TraceRatio": np.trace(SW) / np.trace(SB),
        "cdnv": np.mean(num / (2 * dist2)),
        "cdnvUnbiased": np.mean(np.array([var[a] * counts[a] / (counts[a] - 1) + var[c] * counts[c] / (counts[c] - 1) for a, c in pairs]) / (2 * dist2)), "cdnvPlainDistance": np.mean(num / (2 * np.sqrt(dist2))),
        "equinormMeans": cv(norms), "equiangularityStd": cv(cos),
        "equiangularityShifted": np.mean(np.abs(cos + 1 / (K - 1))), "maxAngleError": np.max(np.abs(cos + 1 / (K - 1))),
        "etfError": etf(M),
        "nc1Seed002": np.mean(np.linalg.norm(R, axis=1)) / np.mean(np.linalg.norm(H - muG, axis=1)),
    }
    if inp.get("W") is not None:
        W = np.array(inp["W"], dtype=np.float64)
        b = np.array(inp["b"], dtype=np.float64)
        F = H @ W.T + b
        ncm = np.argmin((H * H).sum(axis=1)[:, None] - 2 * H @ mu.T + (mu * mu).sum(axis=1)[None, :], axis=1)  # ‖h − μ_k‖², by BLAS
        arg = np.argmax(F, axis=1)
        other = np.where(np.eye(K, dtype=bool)[y], -np.inf, F).max(axis=1)
        marg = F[np.arange(N), y] - other
        Wn = np.linalg.norm(W, axis=1)
        out["classifier"] = {
            "equinorm": cv(Wn), "equiangularityShifted": np.mean(np.abs(cosines(W) + 1 / (K - 1))), "etfError": etf(W),
            "selfDuality": np.linalg.norm(W / np.linalg.norm(W) - M / np.linalg.norm(M)),
            "selfDualityEtf": np.linalg.norm((W @ M.T) / np.linalg.norm(W @ M.T) - (np.eye(K) - np.ones((K, K)) / K) / np.sqrt(K - 1)),
            "selfDualityPerClass": np.mean(np.linalg.norm(W / Wn[:, None] - M / norms[:, None], axis=1)),
            "biasCollapse": np.linalg.norm(W @ muG + b),
            "nc4Mismatch": np.mean(arg != ncm), "accuracy": np.mean(arg == y), "ncmAccuracy": np.mean(ncm == y),
            "marginMin": np.min(marg), "marginMean": np.mean(marg),
        }
    return out


for _ in range(warmup):
    metrics(inp)
seconds = []
for _ in range(repeat):
    t = time.perf_counter()
    out = metrics(inp)
    seconds.append(time.perf_counter() - t)
clean = {k: (float(v) if not isinstance(v, dict) else {a: float(x) for a, x in v.items()}) for k, v in out.items()}
json.dump({"metrics": clean, "seconds": seconds} if bench else clean, sys.stdout)
