"""Checks a dataset that `zarr-bridge convert` wrote, independently of it:
level 0 must equal the input (read here with zarr-python 2.13 from the input
on disk, cut to the region), and each lower level must equal a numpy
downsample of the level above by the factors its OME scale states.

The written levels are read with zarr-python (OME-Zarr 0.4: Zarr v2) or come
as raw dumps made by zarrita (OME-Zarr 0.5: Zarr v3, which 2.13 cannot read).

stdin: {"cases": [{"id", "source": ref, "region": [[start, stop], ...] | null,
                   "method": "mean"|"mode"|"nearest"|"max",
                   "factors": [[per-axis factor of level k from k-1], ...],   # k = 1..K
                   "written": [ref of level 0, ref of level 1, ...]}]}
ref: {"kind": "zarr2-dir"|"n5-dir", "path", "dataset"?} | {"kind": "raw", "file", "dtype", "shape"}
stdout: [{"id", "level", "ok", "detail"}]
"""
import json
import sys

import numpy as np
import zarr
from zarr.n5 import N5Store


def read(ref):
    kind = ref["kind"]
    if kind == "zarr2-dir":
        return zarr.open_array(store=zarr.DirectoryStore(ref["path"]), mode="r", path=ref.get("dataset") or None)[...]
    if kind == "n5-dir":
        return zarr.open_array(store=N5Store(ref["path"]), mode="r", path=ref.get("dataset") or None)[...]
    if kind == "raw":
        return np.fromfile(ref["file"], dtype=np.dtype(ref["dtype"])).reshape(ref["shape"])
    raise ValueError("unknown reference kind " + kind)


def blocks(a, f):
    """a reshaped so that axis 2i+1 runs over the voxels of a block; padding marked invalid."""
    pads = [(0, (-s) % fi) for s, fi in zip(a.shape, f)]
    valid = np.pad(np.ones(a.shape, dtype=bool), pads)
    padded = np.pad(a, pads)
    shape = []
    for s, fi in zip(padded.shape, f):
        shape += [s // fi, fi]
    return padded.reshape(shape), valid.reshape(shape)


def block_axes(rank):
    return tuple(range(1, 2 * rank, 2))


def downsample(a, f, method):
    rank = a.ndim
    if method == "nearest":
        return a[tuple(slice(None, None, fi) for fi in f)]
    b, valid = blocks(a, f)
    axes = block_axes(rank)
    if method == "mean":
        if a.dtype.kind in "iub":
            total = np.sum(b.astype(np.float64) * valid, axis=axes)
            count = np.sum(valid, axis=axes)
            return np.rint(total / count).astype(a.dtype)
        total = np.sum(np.where(valid, b.astype(np.float64), 0), axis=axes)
        return (total / np.sum(valid, axis=axes)).astype(a.dtype)
    if method == "max":
        low = np.iinfo(a.dtype).min if a.dtype.kind in "iu" else -np.inf
        return np.max(np.where(valid, b, low), axis=axes).astype(a.dtype)
    if method == "mode":
        # Move the block axes last and flatten them: one row of voxels per output voxel.
        order = tuple(range(0, 2 * rank, 2)) + axes
        out_shape = tuple(b.shape[i] for i in range(0, 2 * rank, 2))
        rows = np.transpose(b, order).reshape(int(np.prod(out_shape)), -1)
        vrows = np.transpose(valid, order).reshape(rows.shape)
        out = np.empty(rows.shape[0], dtype=a.dtype)
        for i in range(rows.shape[0]):
            values, counts = np.unique(rows[i][vrows[i]], return_counts=True)
            out[i] = values[np.argmax(counts)]  # ties: the smallest (unique sorts)
        return out.reshape(out_shape)
    raise ValueError("unknown method " + method)


def compare(got, want):
    if got.shape != want.shape:
        return False, "shape %s != expected %s" % (got.shape, want.shape)
    if got.dtype != want.dtype:
        return False, "dtype %s != expected %s" % (got.dtype, want.dtype)
    eq = (got == want) | (np.isnan(got) & np.isnan(want)) if got.dtype.kind == "f" else got == want
    if np.all(eq):
        return True, "%d values equal" % got.size
    bad = np.argwhere(~eq)
    first = tuple(int(i) for i in bad[0])
    return False, "%d of %d values differ; first at %s: %r != expected %r" % (len(bad), got.size, first, got[first], want[first])


def main():
    out = []
    for case in json.load(sys.stdin)["cases"]:
        try:
            expected = read(case["source"])
            if case.get("region"):
                expected = expected[tuple(slice(a, b) for a, b in case["region"])]
            for level, ref in enumerate(case["written"]):
                if level > 0:
                    expected = downsample(expected, case["factors"][level - 1], case["method"])
                ok, detail = compare(read(ref), expected)
                out.append({"id": case["id"], "level": level, "ok": ok, "detail": detail})
        except Exception as e:
            out.append({"id": case["id"], "level": -1, "ok": False, "detail": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
