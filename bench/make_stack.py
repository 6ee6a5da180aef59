"""The convert benchmark's input: a TIFF image stack written by tifffile (one
uint16 plane per file, smooth structure plus noise, as microscopes give), and
an uncompressed OME-Zarr 0.4 copy of it written by zarr-python (the converter
reads that copy until the TIFF source lands). argv: folder planes size"""
import json
import os
import sys

import numpy as np
import tifffile
import zarr

folder, planes, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
stack = os.path.join(folder, "stack")
copy = os.path.join(folder, "stack-copy.ome.zarr")
os.makedirs(stack, exist_ok=True)
rng = np.random.default_rng(3)
yy, xx = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
group = zarr.open_group(copy, mode="w")
arr = group.create_dataset("0", shape=(planes, size, size), chunks=(16, 256, 256), dtype="uint16",
                           compressor=None, dimension_separator="/")
for z in range(planes):
    plane = (1000 + 600 * np.sin(xx / 37.0 + z / 5.0) * np.cos(yy / 23.0) + rng.integers(0, 64, (size, size))).astype("uint16")
    tifffile.imwrite(os.path.join(stack, "plane_%04d.tif" % z), plane)
    arr[z] = plane
group.attrs["multiscales"] = [{
    "version": "0.4",
    "name": "stack",
    "axes": [{"name": n, "type": "space", "unit": "nanometer"} for n in "zyx"],
    "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0, 1.0, 1.0]}]}],
}]
print(json.dumps({"planes": planes, "size": size, "copy": copy, "stack": stack}))
