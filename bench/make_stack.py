"""The convert benchmark's input: a TIFF image stack written by tifffile (one
uint16 plane per file, uncompressed, smooth structure plus noise, as
microscopes give), and the same voxels as one raw C-order file (for the bare
codec loop). argv: folder planes size"""
import json
import os
import sys

import numpy as np
import tifffile

folder, planes, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
stack = os.path.join(folder, "stack")
raw = os.path.join(folder, "level0.raw")
os.makedirs(stack, exist_ok=True)
rng = np.random.default_rng(3)
yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
with open(raw + ".tmp", "wb") as out:
    for z in range(planes):
        plane = (1000 + 600 * np.sin(xx / 37.0 + z / 5.0) * np.cos(yy / 23.0)
                 + rng.integers(0, 64, (size, size))).astype("uint16")
        tifffile.imwrite(os.path.join(stack, "plane_%04d.tif" % z), plane)
        plane.astype("<u2").tofile(out)
os.replace(raw + ".tmp", raw)
print(json.dumps({"planes": planes, "size": size, "stack": stack, "raw": raw}))
