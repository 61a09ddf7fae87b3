#!/usr/bin/env python3
"""Generates surface_goldens.json: HD95, Hausdorff distance and ASSD from MONAI and MedPy on the same mask pairs.

Reference for kd/metrics (surface_goldens_test.go). The Go library never runs this; the JSON it writes is committed.

Pinned environment (the versions are also written into the JSON, and checked below):

    /usr/bin/python3 (Debian 12: Python 3.11.2, python3-numpy 1.24.2, python3-scipy 1.10.1, python3-torch 1.13.0a0)
    /usr/bin/python3 -m venv --system-site-packages .venv-ref
    .venv-ref/bin/pip install --no-deps monai==1.3.2 medpy==0.5.2

Run from the repository root:

    .venv-ref/bin/python kd/metrics/testdata/gen_surface_goldens.py > kd/metrics/testdata/surface_goldens.json

What the references compute (read from their sources at these versions):
  - Surface voxels: both take mask XOR binary_erosion(mask) with scipy's face-connected structuring element
    (generate_binary_structure(ndim, 1); MedPy's connectivity=1, MONAI's binary_erosion default) and border_value 0,
    so voxels on the border of the grid are surface. MONAI first crops to the union's bounding box plus a margin of
    1 (padding with background where the box leaves the grid), which changes no surface voxel and no distance.
  - Distances: scipy's exact EDT of the other mask's non-surface, with sampling=spacing, read at the surface voxels.
    MONAI casts the distances to float32 before any statistic; MedPy stays in float64.
  - MedPy hd95: numpy.percentile(concatenate(d(pred->ref), d(ref->pred)), 95): both directions pooled.
    MedPy assd: the mean of the same pooled distances (0.5.x; MedPy 0.4.0 averaged the two directed means).
    MedPy hd: max of both directed maxima. MedPy raises RuntimeError when either mask is empty.
  - MONAI compute_hausdorff_distance(percentile=95, directed=False): the larger of the two directed 95th
    percentiles, each by torch.quantile (linear interpolation, as numpy.percentile), in float32.
    MONAI compute_average_surface_distance(symmetric=True): the mean of the pooled distances, in float32.
    MONAI compute_hausdorff_distance(percentile=None): the largest distance.
    Empty masks give NaN or +Inf in MONAI (recorded as the strings "NaN" and "+Inf", which JSON cannot hold).

Masks are stored as hex of numpy.packbits of the row-major mask (most significant bit first).
"""
import json
import platform
import sys
import warnings

import medpy
import monai
import numpy as np
import scipy
import torch
from medpy.metric import binary as medpy_binary
from monai.metrics import compute_average_surface_distance, compute_hausdorff_distance
from scipy import ndimage

PINNED = {"monai": "1.3.2", "medpy": "0.5.2", "numpy": "1.24.2", "scipy": "1.10.1", "torch": "1.13.0a0"}


def versions():
    found = {
        "monai": monai.__version__,
        "medpy": getattr(medpy, "__version__", None) or _dist_version("medpy"),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
    }
    for name, want in PINNED.items():
        if not found[name].startswith(want):
            sys.exit(f"gen_surface_goldens.py: {name} {found[name]} found, {want} pinned; see the header")
    found["python"] = platform.python_version()
    return found


def _dist_version(name):
    from importlib.metadata import version

    return version(name)


def number(x):
    """A float as JSON can hold it: NaN and infinities as strings."""
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return x


def monai_metrics(pred, ref, spacing):
    p = torch.from_numpy(pred[None, None].astype(np.float32))
    r = torch.from_numpy(ref[None, None].astype(np.float32))
    sp = [float(s) for s in spacing]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MONAI warns on empty masks; the NaN/Inf it returns is what we record.
        hd95 = compute_hausdorff_distance(p, r, include_background=True, percentile=95, spacing=sp)
        hd = compute_hausdorff_distance(p, r, include_background=True, percentile=None, spacing=sp)
        assd = compute_average_surface_distance(p, r, include_background=True, symmetric=True, spacing=sp)
    return {"hd95_mm": number(hd95[0, 0]), "hausdorff_mm": number(hd[0, 0]), "assd_mm": number(assd[0, 0])}


def medpy_metrics(pred, ref, spacing):
    try:
        return {
            "hd95_mm": number(medpy_binary.hd95(pred, ref, voxelspacing=spacing)),
            "hausdorff_mm": number(medpy_binary.hd(pred, ref, voxelspacing=spacing)),
            "assd_mm": number(medpy_binary.assd(pred, ref, voxelspacing=spacing)),
        }
    except RuntimeError as err:
        return {"error": f"RuntimeError: {err}"}


def box(shape, lo, size):
    mask = np.zeros(shape, bool)
    mask[tuple(slice(l, l + s) for l, s in zip(lo, size))] = True
    return mask


def ball(shape, centre, radius_mm, spacing):
    grids = np.meshgrid(*[np.arange(n) * s for n, s in zip(shape, spacing)], indexing="ij")
    r2 = sum((g - c * s) ** 2 for g, c, s in zip(grids, centre, spacing))
    return r2 <= radius_mm**2


def voxel(shape, at):
    mask = np.zeros(shape, bool)
    mask[tuple(at)] = True
    return mask


def blob(rng, shape, sigma, threshold):
    """A smooth random blob: Gaussian-filtered noise, thresholded."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return field > threshold * field.std()


def pairs():
    """The mask pairs: (name, pred, ref, spacing in mm)."""
    out = []
    s2, s3 = (12, 14), (7, 10, 9)
    # Single voxels.
    out.append(("2d_voxel_vs_voxel", voxel(s2, (2, 3)), voxel(s2, (9, 11)), (0.8, 1.9)))
    out.append(("3d_voxel_vs_same_voxel", voxel(s3, (3, 4, 4)), voxel(s3, (3, 4, 4)), (3.0, 0.7, 0.7)))
    out.append(("3d_voxel_vs_voxel", voxel(s3, (0, 0, 0)), voxel(s3, (6, 9, 8)), (3.0, 0.7, 0.9)))
    out.append(("3d_voxel_vs_box", voxel(s3, (1, 2, 2)), box(s3, (2, 3, 3), (4, 5, 5)), (2.5, 0.6, 0.6)))
    # Empty masks.
    out.append(("2d_empty_pred", np.zeros(s2, bool), box(s2, (3, 3), (4, 5)), (1.0, 1.0)))
    out.append(("2d_empty_ref", box(s2, (3, 3), (4, 5)), np.zeros(s2, bool), (1.0, 1.0)))
    out.append(("2d_both_empty", np.zeros(s2, bool), np.zeros(s2, bool), (1.0, 1.0)))
    out.append(("3d_empty_pred", np.zeros(s3, bool), voxel(s3, (2, 2, 2)), (3.0, 0.5, 0.5)))
    out.append(("3d_both_empty", np.zeros(s3, bool), np.zeros(s3, bool), (3.0, 0.5, 0.5)))
    # Disjoint objects.
    out.append(("2d_disjoint_boxes", box(s2, (1, 1), (3, 4)), box(s2, (7, 8), (5, 5)), (0.6, 1.7)))
    out.append(("3d_disjoint_boxes", box(s3, (0, 0, 0), (2, 3, 3)), box(s3, (4, 5, 4), (3, 5, 5)), (3.0, 0.7, 0.9)))
    # Nested objects: one inside the other, sizes far apart, so the two directions differ.
    out.append(("2d_nested_boxes", box(s2, (5, 6), (2, 2)), box(s2, (1, 1), (10, 12)), (1.0, 0.5)))
    shape = (9, 24, 22)
    sp = (2.5, 0.7, 0.7)
    out.append(("3d_nested_balls", ball(shape, (4, 12, 11), 3.0, sp), ball(shape, (4, 12, 11), 7.5, sp), sp))
    out.append(("3d_ball_in_box_touching_border", ball(shape, (4, 11, 10), 4.0, sp), np.ones(shape, bool), sp))
    # Thin structures: every voxel is surface.
    line = np.zeros(s2, bool)
    line[6, 1:13] = True
    diag = np.eye(12, 14, k=1, dtype=bool)
    out.append(("2d_line_vs_diagonal", line, diag, (0.9, 0.45)))
    # Shifted boxes: the textbook case.
    out.append(("2d_shifted_boxes", box((20, 24), (4, 7), (10, 10)), box((20, 24), (4, 4), (10, 10)), (2.0, 0.5)))
    out.append(("3d_shifted_boxes", box((12, 16, 16), (4, 3, 3), (6, 8, 8)), box((12, 16, 16), (2, 3, 3), (6, 8, 8)),
                (3.0, 0.7, 0.7)))
    # Random blobs, seeded: concavities, holes, several components, objects touching the border.
    rng = np.random.default_rng(20261202)
    for i, (shape, spacing, sigma) in enumerate([
        ((40, 36), (1.0, 1.0), 3.0),
        ((33, 47), (0.6, 1.7), 2.5),
        ((48, 40), (0.45, 0.45), 1.5),
        ((12, 30, 28), (3.0, 0.7, 0.9), (1.0, 3.0, 3.0)),
        ((5, 24, 26), (4.5, 0.5, 0.5), (0.7, 2.0, 2.0)),
        ((16, 32, 32), (1.2, 0.8, 0.8), (2.0, 2.5, 2.5)),
    ]):
        dims = f"{len(shape)}d"
        pred = blob(rng, shape, sigma, 0.3)
        ref = blob(rng, shape, sigma, 0.3) | (pred & blob(rng, shape, sigma, -0.5))  # Correlated, as a model's.
        out.append((f"{dims}_blobs_{i}", pred, ref, spacing))
        small = blob(rng, shape, sigma, 1.2)  # A few small islands against a large blob: unbalanced surfaces.
        out.append((f"{dims}_islands_vs_blob_{i}", small, ref, spacing))
    return out


def main():
    cases = []
    for name, pred, ref, spacing in pairs():
        cases.append({
            "name": name,
            "shape": list(pred.shape),
            "spacing_mm": [float(s) for s in spacing],
            "pred_hex": np.packbits(pred.ravel()).tobytes().hex(),
            "ref_hex": np.packbits(ref.ravel()).tobytes().hex(),
            "monai": monai_metrics(pred, ref, spacing),
            "medpy": medpy_metrics(pred, ref, spacing),
        })
    print(json.dumps({"generator": "gen_surface_goldens.py", "versions": versions(), "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
