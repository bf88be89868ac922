#!/usr/bin/env python3
"""Peer of `marginflow bench fig4`: the Fig. 4 sweep of seed 000 with the paper's own stack (NumPy + SciPy
solve_ivp, RK45), on the SAME samples marginflow uses (unit directions and labels written by the bench).

Exponential loss L(θ) = mean_i exp(−y_i x_i·β(θ)), β_c = Π_j θ_cj (D = (1,1,1) homogeneous, D = (1,5,10)
quasi-homogeneous), gradient flow dθ/dt = −∇L from all-ones to T, then the robustness w·µ̂ − r of w = β/‖β‖.

usage: fig4_scipy.py '{"dirs": FILE, "labels": FILE, "mu": [...], "radii": [...], "T": 1e5, "rtol": 1e-6, "atol": 1e-9}'
prints one JSON object: {"radii": [...], "hom": [...], "qh": [...], "nfev": {...}, "seconds": s}
"""
import json
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def flow(A, depths):
    offs = np.concatenate([[0], np.cumsum(depths)])

    def beta_of(th):
        return np.array([np.prod(th[offs[c]:offs[c + 1]]) for c in range(len(depths))])

    def rhs(_t, th):
        beta = beta_of(th)
        e = np.exp(-(A @ beta))
        gb = -(A.T @ e) / A.shape[0]  # ∂L/∂β
        g = np.empty_like(th)
        for c in range(len(depths)):
            seg = th[offs[c]:offs[c + 1]]
            for j in range(len(seg)):
                g[offs[c] + j] = gb[c] * np.prod(np.delete(seg, j))
        return -g

    return rhs, beta_of


def main():
    a = json.loads(sys.argv[1])
    U = np.fromfile(a["dirs"], dtype="<f8").reshape(-1, 3)
    y = np.fromfile(a["labels"], dtype="<f8")
    mu = np.asarray(a["mu"], dtype=float)  # as printed in the paper (‖µ‖ = 1 − 4e-9), as marginflow's samples
    mu_hat = mu / np.linalg.norm(mu)
    out = {"radii": a["radii"], "hom": [], "qh": [], "nfev": {"hom": 0, "qh": 0}}
    t0 = time.perf_counter()
    for r in a["radii"]:
        X = y[:, None] * mu[None, :] + r * U
        A = y[:, None] * X
        for name, depths in (("hom", [1, 1, 1]), ("qh", [1, 5, 10])):
            rhs, beta_of = flow(A, depths)
            sol = solve_ivp(rhs, (0.0, a["T"]), np.ones(sum(depths)), method="RK45", rtol=a["rtol"], atol=a["atol"])
            if sol.status != 0:
                raise SystemExit(f"solve_ivp failed at r = {r}, {name}: {sol.message}")
            beta = beta_of(sol.y[:, -1])
            w = beta / np.linalg.norm(beta)
            out[name].append(float(w @ mu_hat - r))
            out["nfev"][name] += int(sol.nfev)
    out["seconds"] = time.perf_counter() - t0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
