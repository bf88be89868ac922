// `marginflow collapse`: every neural-collapse metric of core/src/collapse on features a user exported from any
// framework (.npy or CSV), so that a PyTorch or JAX user can measure with marginflow's definitions without training
// here. Prints the metrics grouped by NC1–NC4, each with its source; --json writes them whole or not at all.
import { Blas, measureCollapse, Runtime, type GlobalMean } from "@marginflow/core";
import type { Command } from "../command.js";
import { UsageError } from "../errors.js";
import { intFlag, pathFlag } from "../flags.js";
import { shown, writeJson } from "../io.js";
import { readNumericFile } from "../matrix-file.js";

const f = (x: number) => (Number.isFinite(x) ? x.toExponential(4) : String(x));

export const collapseCommand: Command = {
  name: "collapse",
  usage: "marginflow collapse --features F --labels L [--weights W] [--bias B] [--classes K] [--global-mean samples|classMeans] [--json OUT]",
  summary: "measure neural collapse (NC1–NC4, every definition in use) on features exported from any framework",
  options: {
    features: { type: "string" }, labels: { type: "string" }, weights: { type: "string" }, bias: { type: "string" },
    classes: { type: "string" }, "global-mean": { type: "string" }, json: { type: "string" },
  },
  help() {
    return `${this.usage}

Measures neural collapse on features you exported (NumPy .npy of any real dtype, or CSV with an optional header):
  --features F       n×d features of one layer (the penultimate, usually)
  --labels L         n class labels 0…K−1 (.npy, or CSV/text with one label per line)
  --weights W        K×d last-layer weights (row k: class k): adds NC2 of the classifier, NC3, NC4, bias collapse, margins
  --bias B           K last-layer biases (default 0)
  --classes K        number of classes (default: the largest label + 1; every class needs samples)
  --global-mean M    centre the class means on the mean of all samples ("samples", default: Papyan et al.,
                     nc-toolbox, tding1) or on the mean of the class means ("classMeans": rhubarbwu's default)
  --json OUT         write every metric as JSON

Each metric is named by its source (docs/collapse.md: which definition equals which function of which library).
`;
  },
  async run(_positionals, values) {
    if (values.features === undefined || values.labels === undefined) throw new UsageError("--features and --labels are required");
    const H = readNumericFile(pathFlag("features", values.features, ""));
    const Lf = readNumericFile(pathFlag("labels", values.labels, ""));
    if (Lf.cols !== 1) throw new UsageError(`--labels: expected one label per row, got ${Lf.rows}×${Lf.cols}`);
    const labels = Array.from(Lf.data);
    const maxLabel = labels.reduce((m, v) => Math.max(m, v), 0);
    const K = intFlag("classes", values.classes, Math.max(2, Math.round(maxLabel) + 1), 2, 1e6);
    const gm = (values["global-mean"] ?? "samples") as GlobalMean;
    if (gm !== "samples" && gm !== "classMeans") throw new UsageError(`--global-mean: expected samples or classMeans, got ${JSON.stringify(gm)}`);
    let classifier;
    if (values.weights !== undefined) {
      const W = readNumericFile(pathFlag("weights", values.weights, ""));
      const b = values.bias === undefined ? undefined : readNumericFile(pathFlag("bias", values.bias, "")).data;
      classifier = { W: { rows: W.rows, cols: W.cols, data: W.data }, ...(b ? { b } : {}) };
    } else if (values.bias !== undefined) throw new UsageError("--bias needs --weights");
    const blas = new Blas(await Runtime.create());
    const m = measureCollapse({ rows: H.rows, cols: H.cols, data: H.data }, labels, K, classifier, { globalMean: gm, blas });
    const out = process.stdout;
    out.write(`collapse: ${m.samples} samples, ${m.classes} classes, dimension ${m.dim} (means centred on the ${gm === "samples" ? "mean of all samples" : "mean of the class means"})\n`);
    const rows: [string, number][] = [
      ["NC1 tr(Σ_W Σ_B⁺)/K (Papyan et al. 2020)", m.nc1],
      ["NC1 tr(Σ_W Σ_B⁺) (seed 001)", m.nc1Unscaled],
      ["NC1 tr Σ_W / tr Σ_B", m.nc1TraceRatio],
      ["NC1 Avg‖h − μ_k‖ / Avg‖h − μ_G‖ (seed 002)", m.nc1Seed002],
      ["NC1 CDNV, squared distance (Galanti et al. 2022)", m.cdnv],
      ["NC1 CDNV, unbiased variance (nc-toolbox)", m.cdnvUnbiased],
      ["NC1 CDNV, plain distance", m.cdnvPlainDistance],
      ["NC2 equinorm of the means, std/mean", m.equinormMeans],
      ["NC2 equiangularity, std/|mean| of cosines (seed 001)", m.equiangularityStd],
      ["NC2 equiangularity, Avg|cos + 1/(K−1)| (seed 002)", m.equiangularityShifted],
      ["NC2 maximal angle error, max|cos + 1/(K−1)|", m.maxAngleError],
      ["NC2 simplex-ETF error of the means", m.etfError],
    ];
    const c = m.classifier;
    if (c) {
      rows.push(
        ["NC2 equinorm of the classifiers", c.equinorm],
        ["NC2 equiangularity of the classifiers", c.equiangularityShifted],
        ["NC2 simplex-ETF error of W (tding1)", c.etfError],
        ["NC3 ‖W/‖W‖ − M/‖M‖‖_F (Papyan et al.; nc-toolbox)", c.selfDuality],
        ["NC3 ETF error of W Mᵀ (rhubarbwu, tding1)", c.selfDualityEtf],
        ["NC3 per class, Avg‖ŵ_k − μ̂_k‖ (seed 002)", c.selfDualityPerClass],
        ["NC4 mismatch of argmax(Wh + b) and the nearest class mean", c.nc4Mismatch],
        ["bias collapse ‖W μ_G + b‖", c.biasCollapse],
        ["accuracy: classifier, nearest class mean", c.accuracy],
        ["", c.ncmAccuracy],
        ["margin f_y − max f_c: smallest, mean", c.marginMin],
        ["", c.marginMean],
      );
    }
    const width = Math.max(...rows.map(([k]) => k.length));
    for (let i = 0; i < rows.length; i++) {
      const [k, v] = rows[i]!;
      if (k === "") continue;
      const next = rows[i + 1];
      out.write(`  ${k.padEnd(width)}  ${f(v)}${next && next[0] === "" ? `, ${f(next[1])}` : ""}\n`);
    }
    if (values.json !== undefined) {
      const path = pathFlag("json", values.json, "");
      writeJson(path, { globalMean: gm, ...m });
      out.write(`wrote ${shown(path)}\n`);
    }
    return 0;
  },
};
