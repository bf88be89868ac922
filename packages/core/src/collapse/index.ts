// Neural-collapse measurements: one mergeable pass of class statistics, the metrics of every definition in use,
// and the second pass for the ones that need the final means.
export { ClassStats } from "./class-stats.js";
export { collapseMetrics, globalMean, type Classifier, type CollapseMetrics, type CollapseOptions, type GlobalMean, type ProjectedScatter } from "./metrics.js";
export { SecondPass, measureCollapse, type SecondPassMetrics } from "./second-pass.js";
export { simplexView, SIMPLEX_VIEW_DEFAULTS, type SimplexView } from "./simplex-view.js";
