"""Reads arrays that the bridge serves, with Debian's zarr-python 2.13 over
fsspec HTTP, and compares every value with a reference read independently
(straight from the fixture on disk, or a raw dump made by another reader).

zarr-python turns any store error it considers "missing" into fill values, so
the stores here treat only 404 (KeyError) as missing: a 500 or a reset
connection fails the case instead of passing as zeros.

stdin: {"cases": [{"id", "url", "format": "zarr2"|"n5", "path"?: dataset inside url, "tolerance"?: for lossy sources,
                   "reference": {"kind": "zarr2-dir"|"n5-dir", "path", "dataset"?}
                              | {"kind": "raw", "file", "dtype", "shape"}}]}
stdout: [{"id", "ok", "detail", "shape", "dtype"}]
"""
import json
import sys

import numpy as np
import zarr

import formulas
from zarr.storage import FSStore
from zarr.n5 import N5FSStore, N5Store

ONLY_404_IS_MISSING = (KeyError,)


def read_served(case):
    if "servedRaw" in case:  # read by another client (zarrita) and dumped
        return read_reference(case["servedRaw"])
    if case["format"] == "n5":
        store = N5FSStore(case["url"], exceptions=ONLY_404_IS_MISSING)
    else:
        store = FSStore(case["url"], exceptions=ONLY_404_IS_MISSING)
    arr = zarr.open_array(store=store, mode="r", path=case.get("path") or None)
    return arr[...]


def read_reference(ref):
    kind = ref["kind"]
    if kind == "zarr2-dir":
        return zarr.open_array(store=zarr.DirectoryStore(ref["path"]), mode="r", path=ref.get("dataset") or None)[...]
    if kind == "nested-dir":
        return zarr.open_array(store=zarr.NestedDirectoryStore(ref["path"]), mode="r", path=ref.get("dataset") or None)[...]
    if kind == "n5-dir":
        return zarr.open_array(store=N5Store(ref["path"]), mode="r", path=ref.get("dataset") or None)[...]
    if kind == "formula":
        return formulas.evaluate(ref)
    if kind == "strings":  # a JSON list of strings, dumped by another reader
        with open(ref["file"]) as f:
            values = json.load(f)
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out.reshape(ref["shape"])
    if kind == "raw":
        data = np.fromfile(ref["file"], dtype=np.dtype(ref["dtype"]))
        return data.reshape(ref["shape"])
    raise ValueError("unknown reference kind " + kind)


def same(a, b, tolerance=0):
    if a.shape != b.shape:
        return False, "shape %s != reference %s" % (a.shape, b.shape)
    if a.dtype.kind == "O" or b.dtype.kind == "O":
        a, b = a.astype(object), b.astype(object)
        a = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, otypes=[object])(a) if a.size else a
        b = np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else v, otypes=[object])(b) if b.size else b
    elif a.dtype.kind != b.dtype.kind or a.dtype.itemsize != b.dtype.itemsize:
        return False, "dtype %s != reference %s" % (a.dtype, b.dtype)
    if a.dtype.kind == "O":
        eq = np.array([x == y for x, y in zip(a.ravel(), b.ravel())], dtype=bool).reshape(a.shape)
    elif tolerance:  # lossy sources (JPEG): decoders may round differently, within this many units
        eq = np.abs(a.astype(np.float64) - b.astype(np.float64)) <= tolerance
    elif a.dtype.kind == "f":
        eq = (a == b) | (np.isnan(a) & np.isnan(b))
    else:
        eq = a == b
    if np.all(eq):
        return True, "%d values equal" % a.size
    bad = np.argwhere(~eq)
    first = tuple(int(i) for i in bad[0])
    return False, "%d of %d values differ; first at %s: %r != %r" % (len(bad), a.size, first, a[first], b[first])


def main():
    cases = json.load(sys.stdin)["cases"]
    out = []
    for case in cases:
        try:
            served = read_served(case)
            reference = read_reference(case["reference"])
            ok, detail = same(served, reference, case.get("tolerance", 0))
            out.append({"id": case["id"], "ok": ok, "detail": detail, "shape": list(served.shape), "dtype": str(served.dtype)})
        except Exception as e:  # reported per case, so one failure does not hide the others
            out.append({"id": case["id"], "ok": False, "detail": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
