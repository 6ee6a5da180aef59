#!/usr/bin/python3
"""Writes OME-Zarr 0.5 (Zarr v3) images for the viewer's end-to-end tests, shaped like what zarr-python 3,
ngff-zarr and ome-writers produce: blosc (zstd/lz4, byte- or bit-shuffled), bare zstd, gzip or no compression,
sharded or not, several levels, many channels, uint64 label images. Chunks are compressed by numcodecs 0.11
(Debian's c-blosc, libzstd and zlib), never by the code under test; shards follow the sharding_indexed codec
(index at the end, bytes/le + crc32c), as zarr-python 3 writes them.

    /usr/bin/python3 write_ome05.py OUTDIR SPEC.json

SPEC is a list of images: {"name", "codec", "sharded", "channels", "height", "width", "levels", "dtype",
"chunk", "shard", "kind": "image" | "labels", "empty_from": k (levels k and coarser hold only fill)}. Values are closed formulas (see `intensity` and `label_id`) that
the tests evaluate on their own; level k is level 0 sampled at every 2**k-th voxel (`[::2**k, ::2**k]`).
"""
import json
import os
import struct
import sys

import numpy as np
from numcodecs import GZip, Zstd
from numcodecs.blosc import Blosc

EMPTY = 2 ** 64 - 1
_T = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    _T.append(c)


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for b in data:
        c = _T[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def noise(c, y, x):
    """Six pseudo-random bits per voxel (32-bit multiplicative hashing), so chunks compress like real data."""
    u = np.uint32
    h = (x.astype(u) * u(0x9E3779B1)) ^ (y.astype(u) * u(0x85EBCA77)) ^ (c.astype(u) * u(0xC2B2AE3D))
    return (h >> u(26)).astype(np.int64)


def intensity(c, y, x):
    """uint16 level-0 value: a ramp (neighbours differ by 7 or 13) plus 0..63 of noise."""
    return (c * 9973 + y * 13 + x * 7 + noise(c, y, x)) % 65536


def label_id(y, x, height, width):
    """uint64 ids, most above 2**53 (not exact as float64): 0 on a 16-voxel border, else one id per 64² cell."""
    cell = (y // 64).astype(np.uint64) * np.uint64(32) + (x // 64).astype(np.uint64)
    ids = ((cell + np.uint64(1)) << np.uint64(52)) + cell * np.uint64(7) + np.uint64(1)
    border = (y < 16) | (x < 16) | (y >= height - 16) | (x >= width - 16)
    return np.where(border, np.uint64(0), ids).astype(np.uint64)


def codec_meta(codec, itemsize):
    if codec == 'none':
        return [], lambda b: b
    if codec == 'gzip':
        g = GZip(level=5)
        return [{'name': 'gzip', 'configuration': {'level': 5}}], g.encode
    if codec == 'zstd':
        z = Zstd(level=3)
        return [{'name': 'zstd', 'configuration': {'level': 3, 'checksum': False}}], z.encode
    # blosc-<cname>-<shuffle>: the v3 blosc codec's configuration, as zarr-python 3 writes it.
    _, cname, shuffle = codec.split('-')
    num = {'noshuffle': Blosc.NOSHUFFLE, 'shuffle': Blosc.SHUFFLE, 'bitshuffle': Blosc.BITSHUFFLE}[shuffle]
    b = Blosc(cname=cname, clevel=5, shuffle=num, blocksize=0)
    conf = {'cname': cname, 'clevel': 5, 'shuffle': shuffle, 'typesize': itemsize, 'blocksize': 0}
    return [{'name': 'blosc', 'configuration': conf}], b.encode


def write_array(path, a, spec):
    os.makedirs(path, exist_ok=True)
    itemsize = a.dtype.itemsize
    compressors, encode = codec_meta(spec['codec'], itemsize)
    rank = a.ndim
    chunk = [1] * (rank - 2) + [spec['chunk']] * 2
    inner_codecs = [{'name': 'bytes', 'configuration': {'endian': 'little'}}] + compressors
    if spec['sharded']:
        shard = [1] * (rank - 2) + [spec['shard']] * 2
        codecs = [{'name': 'sharding_indexed', 'configuration': {
            'chunk_shape': chunk, 'codecs': inner_codecs,
            'index_codecs': [{'name': 'bytes', 'configuration': {'endian': 'little'}}, {'name': 'crc32c'}],
            'index_location': 'end'}}]
        grid = shard
    else:
        codecs = inner_codecs
        grid = chunk
    meta = {
        'zarr_format': 3, 'node_type': 'array', 'shape': list(a.shape), 'data_type': str(a.dtype),
        'chunk_grid': {'name': 'regular', 'configuration': {'chunk_shape': grid}},
        'chunk_key_encoding': {'name': 'default', 'configuration': {'separator': '/'}},
        'fill_value': 0, 'codecs': codecs, 'attributes': {},
        'dimension_names': (['c'] if rank == 3 else []) + ['y', 'x'],
    }
    with open(os.path.join(path, 'zarr.json'), 'w') as f:
        json.dump(meta, f)

    def block(start, shape):
        out = np.zeros(shape, dtype=a.dtype)   # full chunk, padded with fill
        sl = tuple(slice(s, min(s + n, d)) for s, n, d in zip(start, shape, a.shape))
        out[tuple(slice(0, q.stop - q.start) for q in sl)] = a[sl]
        return out

    n_grid = [-(-s // g) for s, g in zip(a.shape, grid)]
    for gidx in np.ndindex(*n_grid):
        gstart = [i * g for i, g in zip(gidx, grid)]
        key = os.path.join(path, 'c', *map(str, gidx))
        os.makedirs(os.path.dirname(key), exist_ok=True)
        if not spec['sharded']:
            b = block(gstart, chunk)
            if not b.any():
                continue                              # all fill: no object, as zarr-python skips it
            with open(key, 'wb') as f:
                f.write(bytes(encode(b.tobytes())))
            continue
        per = [g // c for g, c in zip(grid, chunk)]
        parts, index, off = [], [], 0
        for iidx in np.ndindex(*per):
            start = [s + i * c for s, i, c in zip(gstart, iidx, chunk)]
            if any(st >= d for st, d in zip(start, a.shape)):
                index.append((EMPTY, EMPTY))
                continue
            b = block(start, chunk)
            if not b.any():
                index.append((EMPTY, EMPTY))
                continue
            data = bytes(encode(b.tobytes()))
            parts.append(data)
            index.append((off, len(data)))
            off += len(data)
        if not parts:
            continue
        raw = b''.join(struct.pack('<QQ', o, n) for o, n in index)
        raw += struct.pack('<I', crc32c(raw))
        with open(key, 'wb') as f:
            f.write(b''.join(parts) + raw)


def write_image(root, spec):
    os.makedirs(root, exist_ok=True)
    h, w, nc = spec['height'], spec['width'], spec.get('channels', 1)
    y, x = np.ogrid[0:h, 0:w]
    if spec.get('kind') == 'labels':
        a0 = label_id(y, x, h, w)
        axes = [{'name': 'y', 'type': 'space', 'unit': 'nanometer'}, {'name': 'x', 'type': 'space', 'unit': 'nanometer'}]
    else:
        # One channel at a time: the int64 temporaries of all channels at once were gigabytes for 64 channels.
        a0 = np.empty((nc, h, w), dtype='<u2')
        for ch in range(nc):
            a0[ch] = intensity(np.full((1, 1), ch), y, x)
        axes = [{'name': 'c', 'type': 'channel'},
                {'name': 'y', 'type': 'space', 'unit': 'nanometer'}, {'name': 'x', 'type': 'space', 'unit': 'nanometer'}]
    datasets = []
    for k in range(spec['levels']):
        step = 2 ** k
        a = np.ascontiguousarray(a0[..., ::step, ::step])
        if k >= spec.get('empty_from', spec['levels']):
            a = np.zeros_like(a)                      # an empty coarse level: no chunk stored at all
        write_array(os.path.join(root, str(k)), a, spec)
        scale = ([1.0] if a0.ndim == 3 else []) + [8.0 * step, 8.0 * step]
        datasets.append({'path': str(k), 'coordinateTransformations': [{'type': 'scale', 'scale': scale}]})
    ome = {'version': '0.5', 'multiscales': [{'name': spec['name'], 'axes': axes, 'datasets': datasets}]}
    if spec.get('kind') == 'labels':
        ome['image-label'] = {'source': {'image': '../../'}}
    with open(os.path.join(root, 'zarr.json'), 'w') as f:
        json.dump({'zarr_format': 3, 'node_type': 'group', 'attributes': {'ome': ome}}, f)


def main():
    out, spec_path = sys.argv[1], sys.argv[2]
    with open(spec_path) as f:
        specs = json.load(f)
    labels = {}
    for spec in specs:
        write_image(os.path.join(out, spec['name']), spec)
        if '/labels/' in spec['name']:
            group, name = spec['name'].rsplit('/', 1)
            labels.setdefault(group, []).append(name)
    # An image's `labels` group lists its label images (OME-Zarr 0.5).
    for group, names in labels.items():
        with open(os.path.join(out, group, 'zarr.json'), 'w') as f:
            json.dump({'zarr_format': 3, 'node_type': 'group', 'attributes': {'ome': {'version': '0.5', 'labels': names}}}, f)
    print(json.dumps({'written': [s['name'] for s in specs]}))


if __name__ == '__main__':
    main()
