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
period = min(info.max, 4000)
# Broadcast, in 32-bit integers: a slab of 64 × 1024² as int64 meshgrids took 4 GB and 12 s (page faults).
yx = (np.arange(y, dtype=np.int32)[:, None] * 3 + np.arange(x, dtype=np.int32)[None, :])
for z0 in range(0, z, chunk):
    zs = np.arange(z0, min(z, z0 + chunk), dtype=np.int32)[:, None, None] * 13
    base = (zs + yx[None]) % period
    base += rng.integers(0, 16, size=base.shape, dtype=np.int32)
    arr[z0:z0 + chunk] = base.astype(dtype)
