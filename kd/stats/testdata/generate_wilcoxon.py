"""Writes wilcoxon.json: scipy.stats.wilcoxon's results (defaults: zero_method="wilcox", two-sided, no
continuity correction, method "auto") on cases that exercise each of its paths, for wilcoxon_test.go.

    pip install scipy==1.17.1 && python3 generate_wilcoxon.py
"""
import json

import numpy as np
import scipy
from scipy.stats import wilcoxon

rng = np.random.default_rng(17)
cases = {
    # Exact, no ties: Wilcoxon's classic small samples.
    "exact_small": ([125, 115, 130, 140, 140, 115, 140, 125, 140, 135],
                    [110, 122, 125, 120, 140, 124, 123, 137, 135, 145]),
    "exact_one_sided_all": ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
    "exact_n20": (list(rng.normal(0.3, 1, 20)), [0.0] * 20),
    "exact_n50": (list(rng.normal(0.1, 1, 50)), [0.0] * 50),
    # Ties or zeros among ≤ 13 pairs: exact conditional (scipy's permutation test over all signs).
    "ties_small": ([0.5, 0.5, -0.5, 0.25, 0.75, -0.25, 1.0, 0.75], [0.0] * 8),
    "zeros_small": ([0.0, 0.2, -0.1, 0.3, 0.0, 0.4, 0.5, -0.6, 0.7], [0.0] * 9),
    # Ties or zeros beyond 13 pairs, or more than 50 pairs: normal approximation with tie correction.
    "ties_large": (list(np.round(rng.normal(0.2, 1, 30), 1)), [0.0] * 30),
    "zeros_large": (list(np.concatenate([np.zeros(3), rng.normal(0.5, 1, 20)])), [0.0] * 23),
    "approx_n60": (list(rng.normal(-0.2, 1, 60)), [0.0] * 60),
}
out = {"scipy": scipy.__version__, "cases": []}
for name, (x, y) in cases.items():
    x, y = [float(v) for v in x], [float(v) for v in y]
    r = wilcoxon(x, y)
    out["cases"].append({"name": name, "x": x, "y": y, "statistic": float(r.statistic), "p": float(r.pvalue)})
with open("wilcoxon.json", "w") as f:
    json.dump(out, f, indent=1)
