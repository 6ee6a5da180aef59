"""Closed-form voxel values of ../shared/fixtures/generated (MANIFEST.json),
so a reference never depends on any reader of the stored bytes."""
import numpy as np


def _grid(shape):
    return np.indices(shape, dtype=np.int64)


def image(shape, level):
    t, c, z, y, x = _grid(shape)
    f = 2 ** level
    return ((t * 20000 + c * 10000 + z * 1000 + (y * f) * 7 + (x * f)) % 65536).astype("<u2")


def cells(shape, level):
    t, c, z, y, x = _grid(shape)
    f = 2 ** level
    Y, X = 120, 136
    y0, x0 = y * f, x * f
    inside = (y0 >= 4) & (y0 < Y - 4) & (x0 >= 4) & (x0 < X - 4)
    v = 1 + (y0 // 30) * 5 + (x0 // 30) + 100 * t
    return np.where(inside, v, 0).astype("<u4")


def n5_volume(shape, level):
    z, y, x = _grid(shape)
    f = 2 ** level
    return ((z * f * 4000 + y * f * 31 + x * f) % 65536).astype("<u2")


def plate(shape, level, row, col, field):
    _t, c, _z, y, x = _grid(shape)
    f = 2 ** level
    return ((row * 20000 + col * 10000 + field * 5000 + c * 1000 + y * f * 11 + x * f) % 65536).astype("<u2")


def bf2raw(shape, series):
    return (np.arange(32 * 48).reshape(shape) + series * 5000).astype(np.uint16)


def sharded(shape, level):
    c, z, y, x = _grid(shape)
    f = 2 ** level
    v = (c * 10000 + z * 1000 + y * f * 7 + x * f) % 65536
    return np.where((c == 1) & (z >= 4), 0, v).astype("<u2")


def evaluate(ref):
    shape = tuple(ref["shape"])
    p = ref.get("params", {})
    name = ref["name"]
    if name == "image":
        return image(shape, p["level"])
    if name == "cells":
        return cells(shape, p["level"])
    if name == "n5":
        return n5_volume(shape, p["level"])
    if name == "plate":
        return plate(shape, p["level"], p["row"], p["col"], p["field"])
    if name == "bf2raw":
        return bf2raw(shape, p["series"])
    if name == "sharded":
        return sharded(shape, p["level"])
    raise ValueError("unknown formula " + name)
