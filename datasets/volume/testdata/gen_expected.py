#!/usr/bin/python3
"""Generates expected.json: reference facts about real NIfTI and MetaImage files for datasets/volume tests.

Run with Debian's python (it has nibabel and numpy), from anywhere:

    /usr/bin/python3 datasets/volume/testdata/gen_expected.py

NIfTI facts come from nibabel (img.affine, get_fdata, and the LPS reorientation through io_orientation /
ornt_transform / apply_orientation). MetaImage has no nibabel reader, so a small independent parser below reads
.mha/.mhd (numpy + zlib) and converts its LPS geometry to RAS+.
"""
import json
import os
import zlib

import nibabel as nib
import numpy as np
from nibabel import orientations as orn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_PARENT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))  # parent of the repo root
NIBABEL_DATA = '/usr/lib/python3/dist-packages/nibabel/tests/data'
MRICRON = '/usr/share/mricron/templates'
ITK_DATA = '/usr/share/doc/insighttoolkit5-examples/examples/Data'

# name -> (location, path). location "system" paths are absolute; "shared" ones are relative to the parent of the
# repository root.
NIFTI_FILES = {
    'ch2': ('system', f'{MRICRON}/ch2.nii.gz'),
    'aal': ('system', f'{MRICRON}/aal.nii.gz'),
    'anatomical_big_endian': ('system', f'{NIBABEL_DATA}/anatomical.nii'),
    'example4d': ('system', f'{NIBABEL_DATA}/example4d.nii.gz'),
    'example_nifti2': ('system', f'{NIBABEL_DATA}/example_nifti2.nii.gz'),
    'functional_scaled': ('system', f'{NIBABEL_DATA}/functional.nii'),
    'reoriented_anat_moved': ('system', f'{NIBABEL_DATA}/reoriented_anat_moved.nii'),
    'standard': ('system', f'{NIBABEL_DATA}/standard.nii.gz'),
    'itk_kmeans_lsa': ('system', f'{ITK_DATA}/KmeansTest_T1UCharRaw.nii.gz'),
    'prostate_case00': ('shared', 'shared/data/prostate-case00/Case00.nii.gz'),
    'prostate_case00_segmentation': ('shared', 'shared/data/prostate-case00/Case00_segmentation.nii.gz'),
}
# Header-only files (their .img is not shipped): only the header-derived facts.
NIFTI_HEADERS = {
    'nifti1_hdr': f'{NIBABEL_DATA}/nifti1.hdr',
    'nifti2_hdr': f'{NIBABEL_DATA}/nifti2.hdr',
}
METAIMAGE_FILES = [
    'BrainProtonDensity3Slices.mha', 'BrainProtonDensitySliceBorder20.mhd',
    'BrainProtonDensitySliceBorder20DirectionMinus30.mhd', 'BrainProtonDensitySliceBorder20DirectionPlus30.mhd',
    'BrainProtonDensitySliceShifted13x17y.mhd', 'BrainT1SliceBorder20DirectionPlus30.mhd',
    'CorpusCallosumMeanShape.mha', 'CorpusCallosumMode0.mha', 'RatLungSlice1.mha',
    'ResampleImageFilterInput2x3b.mha', 'itkBrainSliceComplexMagnitude.mha',
]
# Multi-channel MetaImages, which the reader must reject.
METAIMAGE_REJECTED = ['itkBrainSliceComplex.mha', 'BayesianClassifierInitializerMemberships.mhd']


def pad3(shape):
    return list(shape) + [1] * (3 - len(shape))


def sample_indices(shape, count=8, seed=0):
    """Corners, centre and a few seeded random voxels (full index, all axes)."""
    rng = np.random.default_rng(seed)
    shape = list(shape)
    out = [[0] * len(shape), [d - 1 for d in shape], [d // 2 for d in shape]]
    for _ in range(count):
        out.append([int(rng.integers(0, d)) for d in shape])
    return out


def array_facts(data, affine):
    """Facts about a (padded, ≥3D) array and its affine: shape, sums, slab sums along each axis, samples."""
    facts = {
        'dims': list(data.shape),
        'affine': np.asarray(affine).tolist(),
        'axcodes': ''.join(nib.aff2axcodes(affine)),
        'sum': float(data.sum(dtype=np.float64)),
        'samples': [idx + [float(data[tuple(idx)])] for idx in sample_indices(data.shape)],
        'slabs': [],
    }
    for axis in range(3):
        n = data.shape[axis]
        for k in sorted({0, n // 3, n // 2, n - 1}):
            slab = np.take(data, k, axis=axis)
            facts['slabs'].append([axis, k, float(slab.sum(dtype=np.float64))])
    return facts


def nifti_facts(path):
    img = nib.load(path)
    data = np.asarray(img.get_fdata(dtype=np.float64))
    data = data.reshape(pad3(data.shape))
    facts = array_facts(data, img.affine)
    facts['spacing'] = [float(z) for z in pad3(img.header.get_zooms())]
    facts['datatype'] = str(img.get_data_dtype().newbyteorder('='))
    transform = orn.ornt_transform(orn.io_orientation(img.affine), orn.axcodes2ornt(('L', 'P', 'S')))
    canonical = img.as_reoriented(transform)
    cdata = np.asarray(canonical.get_fdata(dtype=np.float64))
    cdata = cdata.reshape(pad3(cdata.shape))
    facts['canonical'] = array_facts(cdata, canonical.affine)
    facts['canonical']['spacing'] = [float(z) for z in pad3(canonical.header.get_zooms())]
    return facts


def header_facts(path):
    # The .img is not shipped, so read the header alone; sizeof_hdr (540) tells NIfTI-2 from NIfTI-1.
    with open(path, 'rb') as f:
        raw = f.read()
    sizeof_hdr = int.from_bytes(raw[:4], 'little')
    klass = nib.Nifti2Header if sizeof_hdr == 540 or sizeof_hdr == 0x1C020000 else nib.Nifti1Header
    with open(path, 'rb') as f:
        header = klass.from_fileobj(f)
    return {
        'dims': pad3(header.get_data_shape()),
        'affine': header.get_best_affine().tolist(),
        'axcodes': ''.join(nib.aff2axcodes(header.get_best_affine())),
    }


def read_metaimage(path):
    """A small MetaImage reader: returns (array indexed [x, y, z], RAS+ affine, spacing)."""
    with open(path, 'rb') as f:
        content = f.read()
    fields, pos = {}, 0
    while True:
        end = content.index(b'\n', pos)
        line = content[pos:end].decode('ascii').strip()
        pos = end + 1
        key, _, value = line.partition('=')
        fields[key.strip().lower()] = value.strip()
        if key.strip().lower() == 'elementdatafile':
            break
    ndims = int(fields['ndims'])
    dims = [int(x) for x in fields['dimsize'].split()]
    if int(fields.get('elementnumberofchannels', '1')) != 1:
        raise ValueError('multi-channel')
    dtype = {'MET_UCHAR': 'u1', 'MET_CHAR': 'i1', 'MET_SHORT': 'i2', 'MET_USHORT': 'u2', 'MET_INT': 'i4',
             'MET_UINT': 'u4', 'MET_FLOAT': 'f4', 'MET_DOUBLE': 'f8'}[fields['elementtype']]
    msb = any(fields.get(k, 'False').lower() == 'true' for k in ('elementbyteordermsb', 'binarydatabyteordermsb'))
    dtype = np.dtype(('>' if msb else '<') + dtype)
    if fields['elementdatafile'] == 'LOCAL':
        payload = content[pos:]
    else:
        with open(os.path.join(os.path.dirname(path), fields['elementdatafile']), 'rb') as f:
            payload = f.read()
    if fields.get('compresseddata', 'False').lower() == 'true':
        payload = zlib.decompress(payload)
    count = int(np.prod(dims))
    values = np.frombuffer(payload[:count * dtype.itemsize], dtype=dtype).astype(np.float64)
    data = values.reshape(dims[::-1]).transpose()  # file order is x fastest
    spacing = [float(x) for x in fields.get('elementspacing', ' '.join(['1'] * ndims)).split()]
    origin = [0.0] * ndims
    for key in ('offset', 'position', 'origin'):
        if key in fields:
            origin = [float(x) for x in fields[key].split()]
            break
    direction = np.eye(ndims)
    for key in ('transformmatrix', 'orientation', 'rotation'):
        if key in fields:
            # Row i of the listed matrix is the direction vector of voxel axis i.
            direction = np.array([float(x) for x in fields[key].split()]).reshape(ndims, ndims).T
            break
    lps = np.eye(4)
    k = min(3, ndims)
    lps[:k, :k] = direction[:k, :k] * np.array(spacing[:k])[None, :]
    lps[:k, 3] = origin[:k]
    ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps
    return data.reshape(pad3(data.shape)), ras, [float(s) for s in pad3(spacing)]


def main():
    out = {'nifti': {}, 'nifti_headers': {}, 'metaimage': {}, 'metaimage_rejected': METAIMAGE_REJECTED}
    for name, (location, path) in NIFTI_FILES.items():
        full = path if location == 'system' else os.path.join(REPO_PARENT, path)
        facts = nifti_facts(full)
        facts.update(location=location, path=path)
        out['nifti'][name] = facts
    for name, path in NIFTI_HEADERS.items():
        facts = header_facts(path)
        facts['path'] = path
        out['nifti_headers'][name] = facts
    for name in METAIMAGE_FILES:
        data, affine, spacing = read_metaimage(os.path.join(ITK_DATA, name))
        facts = array_facts(data, affine)
        facts.update(path=os.path.join(ITK_DATA, name), spacing=spacing)
        out['metaimage'][name] = facts
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
