#!/usr/bin/python3
"""Generates surface_reference.json: random blob pairs with Dice and surface distances computed by scipy.

Reference for kd/metrics tests; run with Debian's /usr/bin/python3 (numpy, scipy):

    /usr/bin/python3 kd/metrics/testdata/gen_surface_reference.py > kd/metrics/testdata/surface_reference.json

The definitions follow MedPy's hd95/assd: the surface of a mask is the mask minus its erosion by the
face-connected structuring element (border voxels count as surface); distances are taken from each surface
voxel to the nearest surface voxel of the other mask with scipy's exact EDT on the anisotropic sampling, and
both directions are pooled before taking the 95th percentile (numpy's linear interpolation) and the mean.
Masks are stored as hex of numpy.packbits (row-major, most significant bit first).
"""
import json

import numpy as np
from scipy import ndimage


def blob(rng, shape, sigma, threshold):
    """A smooth random blob: Gaussian-filtered noise, thresholded."""
    field = ndimage.gaussian_filter(rng.standard_normal(shape), sigma)
    return field > threshold * field.std()


def surface(mask):
    structure = ndimage.generate_binary_structure(mask.ndim, 1)
    return mask & ~ndimage.binary_erosion(mask, structure=structure, iterations=1, border_value=0)


def surface_distances(pred, ref, spacing):
    pred_surface, ref_surface = surface(pred), surface(ref)
    to_ref = ndimage.distance_transform_edt(~ref_surface, sampling=spacing)
    to_pred = ndimage.distance_transform_edt(~pred_surface, sampling=spacing)
    return np.hstack([to_ref[pred_surface], to_pred[ref_surface]])


def case(rng, name, shape, spacing, sigma):
    pred = blob(rng, shape, sigma, 0.3)
    ref = blob(rng, shape, sigma, 0.3) | (pred & blob(rng, shape, sigma, -0.5))  # Correlated, as a model's output.
    distances = surface_distances(pred, ref, spacing)
    intersection = np.count_nonzero(pred & ref)
    return {
        "name": name,
        "shape": list(shape),
        "spacing_mm": list(spacing),
        "pred_hex": np.packbits(pred.ravel()).tobytes().hex(),
        "ref_hex": np.packbits(ref.ravel()).tobytes().hex(),
        "dice": 2.0 * intersection / (np.count_nonzero(pred) + np.count_nonzero(ref)),
        "hd95_mm": float(np.percentile(distances, 95)),
        "hausdorff_mm": float(distances.max()),
        "assd_mm": float(distances.mean()),
    }


def main():
    rng = np.random.default_rng(20230316)
    cases = [
        case(rng, "2d_isotropic", (40, 36), (1.0, 1.0), 3.0),
        case(rng, "2d_anisotropic", (33, 47), (0.6, 1.7), 2.5),
        case(rng, "3d_anisotropic", (12, 30, 28), (3.0, 0.7, 0.9), (1.0, 3.0, 3.0)),
        case(rng, "3d_thin", (5, 24, 26), (4.5, 0.5, 0.5), (0.7, 2.0, 2.0)),
    ]
    print(json.dumps({"generator": "gen_surface_reference.py", "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
