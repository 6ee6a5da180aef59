"""Writes a test volume with Debian's zarr-python 2.13: a Zarr v2 array
(blosc-zstd, shuffle) of a smooth gradient plus deterministic noise, as
microscopes give. argv: path dtype z y x chunk"""
import sys

import numpy as np
import zarr
from numcodecs import Blosc

path, dtype, z, y, x, chunk = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
rng = np.random.default_rng(7)
arr = zarr.open_array(path, mode="w", shape=(z, y, x), chunks=(chunk, chunk, chunk), dtype=dtype,
                      compressor=Blosc(cname="zstd", clevel=3, shuffle=Blosc.SHUFFLE), dimension_separator="/")
arr.attrs["_ARRAY_DIMENSIONS"] = ["z", "y", "x"]
info = np.iinfo(dtype)
for z0 in range(0, z, chunk):
    zz, yy, xx = np.meshgrid(np.arange(z0, min(z, z0 + chunk)), np.arange(y), np.arange(x), indexing="ij")
    base = (zz * 13 + yy * 3 + xx) % (min(info.max, 4000))
    noise = rng.integers(0, 16, size=base.shape)
    arr[z0:z0 + chunk] = (base + noise).astype(dtype)
