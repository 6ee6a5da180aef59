"""Writes TIFF, OME-TIFF and image-stack fixtures with other implementations
(Debian's tifffile; PIL over libtiff for the codecs tifffile cannot write
here), reads each back with an independent reader (tifffile, or PIL where
tifffile has no decoder without imagecodecs), and dumps what that reader
sees, in OME-NGFF axis order, as raw little-endian files.

usage: tiff_fixtures.py OUT_DIR [--many N]
stdout: {"sources": [{"id", "open", "writer", "reader", "compression", "layout", "dtype",
                      "axes", "scale", "units", "tolerance", "arrays": [{"path", "file", "dtype", "shape"}],
                      "omero"?: [{"label", "color"}], "bad"?: {...}}],
         "many"?: {...}, "odd"?: {...}}
"""
import json
import os
import sys

import numpy as np
import tifffile
from PIL import Image

OUT = sys.argv[1]
RNG = np.random.default_rng(13)
SOURCES = []

NGFF = "tczyx"


def values(shape, dtype, seed=0):
    """Smooth ramps plus noise: compressible like real images, but no two neighbours alike."""
    dtype = np.dtype(dtype)
    # Broadcast per-axis ramps (not np.indices): the same sum, without an int64 grid per axis.
    base = np.full(shape, seed * 1009, dtype=np.int64)
    for i, axis in enumerate(reversed(range(len(shape)))):
        ramp = np.arange(shape[axis], dtype=np.int64) * (7 + 13 * i)
        base += ramp.reshape([-1 if k == axis else 1 for k in range(len(shape))])
    noise = np.random.default_rng(seed).integers(0, 97, size=shape)
    v = base + noise
    if dtype.kind == "f":
        return (v / 3.0 - 5000.0).astype(dtype)
    info = np.iinfo(dtype)
    span = min(int(info.max) - int(info.min) + 1, 2**31)
    return (v % span + info.min).astype(dtype)


def to_ngff(arr, axes):
    """tifffile series axes (TCZYXS, Q/I for pages) to t, c, z, y, x; size-1 t, c, z dropped."""
    names = {"T": "t", "C": "c", "S": "c", "Z": "z", "Q": "z", "I": "z", "Y": "y", "X": "x"}
    arr = np.asarray(arr)
    mapped = [names[a] for a in axes]
    if mapped.count("c") > 1:
        raise ValueError("both C and S axes: " + axes)
    order = [mapped.index(n) for n in NGFF if n in mapped]
    arr = arr.transpose(order)
    kept = [n for n in NGFF if n in mapped]
    squeeze = tuple(i for i, n in enumerate(kept) if n not in "yx" and arr.shape[i] == 1)
    arr = arr.squeeze(axis=squeeze) if squeeze else arr
    return arr, [n for i, n in enumerate(kept) if i not in squeeze]


def dump(arr, name):
    arr = np.ascontiguousarray(arr)
    le = arr.astype(arr.dtype.newbyteorder("<"))
    path = os.path.join(OUT, "expected", name + ".bin")
    le.tofile(path)
    return {"file": path, "dtype": le.dtype.str, "shape": list(arr.shape)}


def add(id, open_path, writer, reader, compression, layout, levels_by_series, written=None, **extra):
    """levels_by_series: [[(array, axes) per level] per series]."""
    arrays = []
    multi = len(levels_by_series) > 1
    axes_out = None
    for s, levels in enumerate(levels_by_series):
        for k, (arr, axes) in enumerate(levels):
            ngff, names = to_ngff(arr, axes)
            axes_out = axes_out or names
            path = ("%d/%d" % (s, k)) if multi else str(k)
            arrays.append({"path": path, **dump(ngff, "%s-%d-%d" % (id, s, k))})
    if written is not None:  # the independent reader must see what was written, or the fixture proves nothing
        first = to_ngff(*levels_by_series[0][0])[0]
        if not np.array_equal(first, written):
            raise SystemExit("reader disagrees with writer for " + id)
    SOURCES.append(
        {
            "id": id,
            "open": open_path,
            "writer": writer,
            "reader": reader,
            "compression": compression,
            "layout": layout,
            "dtype": str(np.asarray(levels_by_series[0][0][0]).dtype.newbyteorder("=").name),
            "axes": axes_out,
            "arrays": arrays,
            "tolerance": extra.pop("tolerance", 0),
            **extra,
        }
    )


def read_tifffile(path):
    with tifffile.TiffFile(path) as tf:
        return [[(level.asarray(), level.axes) for level in series.levels] for series in tf.series]


def read_pil(path):
    with Image.open(path) as im:
        a = np.array(im)
    return [[(a, "YXS" if a.ndim == 3 else "YX")]]


def d(name):
    return os.path.join(OUT, name)


os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)

# --- tifffile: tiles, strips, BigTIFF, byte orders, predictors, every numeric type ----------------
a = values((2048, 2048), "uint16")
tifffile.imwrite(d("tiled_u16.tif"), a, tile=(256, 256), compression="zlib")
add("tiled-u16-deflate", d("tiled_u16.tif"), "tifffile", "tifffile", "deflate", "tiles 256", read_tifffile(d("tiled_u16.tif")), a)

a = values((1531, 1210), "uint16", 1)
tifffile.imwrite(d("tiled_pred.tif"), a, tile=(128, 192), compression="adobe_deflate", predictor=True)
add("tiled-u16-adobe-deflate-predictor", d("tiled_pred.tif"), "tifffile", "tifffile", "adobe deflate + predictor", "tiles 192x128, ragged edges", read_tifffile(d("tiled_pred.tif")), a)

a = values((1000, 1300), "uint8", 2)
tifffile.imwrite(d("strips_u8.tif"), a, rowsperstrip=7, compression="zlib")
add("strips-u8-deflate", d("strips_u8.tif"), "tifffile", "tifffile", "deflate", "strips of 7 rows", read_tifffile(d("strips_u8.tif")), a)

a = values((777, 5000), "uint16", 3)
tifffile.imwrite(d("wide_strips.tif"), a, rowsperstrip=16, compression="zlib")
add("wide-strips-u16-deflate", d("wide_strips.tif"), "tifffile", "tifffile", "deflate", "strips of 16 rows, 5000 wide", read_tifffile(d("wide_strips.tif")), a)

a = values((1200, 900), "uint16", 4)
tifffile.imwrite(d("one_strip_raw.tif"), a, rowsperstrip=1200)
add("single-strip-u16-raw", d("one_strip_raw.tif"), "tifffile", "tifffile", "none", "one strip", read_tifffile(d("one_strip_raw.tif")), a)

a = values((700, 600), "float32", 5)
tifffile.imwrite(d("bigtiff_f32.tif"), a, bigtiff=True, tile=(128, 128), compression="zlib")
add("bigtiff-f32-deflate", d("bigtiff_f32.tif"), "tifffile", "tifffile", "deflate", "BigTIFF tiles 128", read_tifffile(d("bigtiff_f32.tif")), a)

a = values((1024, 1024), "uint16", 6)
tifffile.imwrite(d("be_tiled.tif"), a, tile=(16, 16), byteorder=">")
add("big-endian-u16-raw-small-tiles", d("be_tiled.tif"), "tifffile", "tifffile", "none", "big-endian, 4096 tiles of 16", read_tifffile(d("be_tiled.tif")), a)

a = values((600, 500), "uint16", 7)
tifffile.imwrite(d("be_pred.tif"), a, tile=(64, 128), compression="zlib", predictor=True, byteorder=">")
add("big-endian-u16-deflate-predictor", d("be_pred.tif"), "tifffile", "tifffile", "deflate + predictor", "big-endian tiles", read_tifffile(d("be_pred.tif")), a)

a = values((500, 400), "int32", 8)
tifffile.imwrite(d("be_strips_i32.tif"), a, rowsperstrip=9, byteorder=">", bigtiff=True)
add("big-endian-bigtiff-i32-raw-strips", d("be_strips_i32.tif"), "tifffile", "tifffile", "none", "big-endian BigTIFF strips of 9", read_tifffile(d("be_strips_i32.tif")), a)

# Deflate tiles of one chunk each, no predictor: passed on unchanged as Zarr v2 zlib chunks (ragged edges, both byte orders).
a = values((1000, 1300), "float32", 30)
tifffile.imwrite(d("zlib_tiles_f32.tif"), a, tile=(256, 256), compression="zlib")
add("zlib-tiles-f32-ragged", d("zlib_tiles_f32.tif"), "tifffile", "tifffile", "deflate", "tiles 256, ragged edges", read_tifffile(d("zlib_tiles_f32.tif")), a)

a = values((3, 700, 900), "uint16", 31)
tifffile.imwrite(d("zlib_tiles_be.tif"), a, tile=(256, 256), compression="zlib", byteorder=">", photometric="minisblack", metadata=None)
add("zlib-tiles-big-endian-u16-pages", d("zlib_tiles_be.tif"), "tifffile", "tifffile", "deflate", "big-endian, 3 pages of tiles 256", read_tifffile(d("zlib_tiles_be.tif")), a)

for i, dt in enumerate(["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float16", "float32", "float64"]):
    a = values((333, 257), dt, 20 + i)
    f = d("dtype_%s.tif" % dt)
    tifffile.imwrite(f, a, tile=(64, 64), compression="zlib")
    add("dtype-" + dt, f, "tifffile", "tifffile", "deflate", "tiles 64", read_tifffile(f), a)

a = values((512, 384), "uint16", 9)
tifffile.imwrite(d("lzma.tif"), a, tile=(128, 128), compression="lzma")
SOURCES.append({"id": "unsupported-lzma", "open": d("lzma.tif"), "bad": "NotRepresentable"})

# --- multi-page, RGB ----------------------------------------------------------------------------
a = values((100, 512, 512), "uint16", 10)
tifffile.imwrite(d("pages_u16.tif"), a, metadata=None)
add("pages-u16-100-raw", d("pages_u16.tif"), "tifffile", "tifffile", "none", "100 pages, one strip each", read_tifffile(d("pages_u16.tif")), a)

rgb = values((768, 1024, 3), "uint8", 11)
tifffile.imwrite(d("rgb_chunky.tif"), rgb, photometric="rgb", tile=(256, 256), compression="zlib")
add("rgb-chunky-tiles-deflate", d("rgb_chunky.tif"), "tifffile", "tifffile", "deflate", "RGB chunky tiles 256", read_tifffile(d("rgb_chunky.tif")), rgb.transpose(2, 0, 1),
    omero=[{"label": "red", "color": "FF0000"}, {"label": "green", "color": "00FF00"}, {"label": "blue", "color": "0000FF"}])

rgbp = values((3, 600, 700), "uint16", 12)
tifffile.imwrite(d("rgb_planar.tif"), rgbp, photometric="rgb", planarconfig="separate", rowsperstrip=32, compression="zlib")
add("rgb-planar-u16-strips-deflate", d("rgb_planar.tif"), "tifffile", "tifffile", "deflate", "RGB planar strips of 32", read_tifffile(d("rgb_planar.tif")), rgbp)

rgbs = values((300, 500, 3), "uint8", 13)
tifffile.imwrite(d("rgb_strips_raw.tif"), rgbs, photometric="rgb", rowsperstrip=5)
add("rgb-chunky-strips-raw", d("rgb_strips_raw.tif"), "tifffile", "tifffile", "none", "RGB chunky strips of 5", read_tifffile(d("rgb_strips_raw.tif")), rgbs.transpose(2, 0, 1))

# --- OME-TIFF: dimension orders, units, channels, pyramids, series, ImageJ -----------------------
a = values((2, 3, 4, 200, 300), "uint16", 14)  # T Z C Y X: DimensionOrder XYCZT
tifffile.imwrite(
    d("ome_tzc.ome.tif"), a, ome=True, tile=(64, 64), compression="zlib",
    metadata={
        "axes": "TZCYX", "Name": "cells",
        "PhysicalSizeX": 0.5, "PhysicalSizeXUnit": "nm", "PhysicalSizeY": 0.25, "PhysicalSizeYUnit": "nm",
        "PhysicalSizeZ": 2.0, "PhysicalSizeZUnit": "\u00b5m", "TimeIncrement": 1.5, "TimeIncrementUnit": "ms",
        "Channel": {"Name": ["DAPI", "GFP", "RFP", "Cy5"], "Color": [65535, 16711935, -16776961, -1]},
    },
)
add("ome-tzc-order-units-channels", d("ome_tzc.ome.tif"), "tifffile (OME)", "tifffile", "deflate", "tiles 64, DimensionOrder XYCZT",
    read_tifffile(d("ome_tzc.ome.tif")), a.transpose(0, 2, 1, 3, 4),
    scale=[[1.5, 1, 2.0, 0.25, 0.5]], units=["millisecond", None, "micrometer", "nanometer", "nanometer"],
    omero=[{"label": "DAPI", "color": "0000FF"}, {"label": "GFP", "color": "00FF00"}, {"label": "RFP", "color": "FF0000"}, {"label": "Cy5", "color": "FFFFFF"}])

base = values((2, 1536, 1280), "uint16", 15)
with tifffile.TiffWriter(d("pyramid.ome.tif"), bigtiff=True) as tif:
    opts = dict(tile=(256, 256), compression="zlib")
    tif.write(base, subifds=3, metadata={"axes": "CYX", "PhysicalSizeX": 0.2, "PhysicalSizeY": 0.2}, **opts)
    for k in (1, 2, 3):
        tif.write(base[:, :: 2**k, :: 2**k], subfiletype=1, **opts)
add("ome-pyramid-subifds", d("pyramid.ome.tif"), "tifffile (OME, SubIFDs)", "tifffile", "deflate", "BigTIFF tiles 256, 3 SubIFD levels",
    read_tifffile(d("pyramid.ome.tif")), base, scale=[[1, 0.2, 0.2], [1, 0.4, 0.4], [1, 0.8, 0.8], [1, 1.6, 1.6]],
    units=[None, "micrometer", "micrometer"])

s0 = values((5, 256, 320), "uint8", 16)
s1 = values((480, 640, 3), "uint8", 17)
s2 = values((2, 100, 120), "float32", 18)
with tifffile.TiffWriter(d("series.ome.tif")) as tif:
    tif.write(s0, metadata={"axes": "ZYX", "Name": "stack"}, tile=(64, 64), compression="zlib")
    tif.write(s1, photometric="rgb", metadata={"axes": "YXS", "Name": "overview"}, compression="zlib")
    tif.write(s2, metadata={"axes": "CYX", "Name": "floats"})
add("ome-multi-series", d("series.ome.tif"), "tifffile (OME, 3 series)", "tifffile", "deflate / none", "three images",
    read_tifffile(d("series.ome.tif")), series=["stack", "overview", "floats"])

ij = values((3, 4, 2, 160, 200), "uint16", 19)  # T Z C Y X
tifffile.imwrite(d("imagej.tif"), ij, imagej=True, resolution=(1 / 0.3, 1 / 0.3), metadata={"axes": "TZCYX", "spacing": 1.25, "unit": "um", "finterval": 2.0})
add("imagej-hyperstack", d("imagej.tif"), "tifffile (ImageJ)", "tifffile", "none", "ImageJ hyperstack TZCYX",
    read_tifffile(d("imagej.tif")), ij.transpose(0, 2, 1, 3, 4), scale=[[2.0, 1, 1.25, 0.3, 0.3]], units=["second", None, "micrometer", "micrometer", "micrometer"])

# --- PIL over libtiff: LZW, PackBits, JPEG, zstd, Adobe Deflate (strips) --------------------------
for codec, comp, dt in [("tiff_lzw", "lzw", "uint16"), ("tiff_lzw", "lzw", "uint8"), ("packbits", "packbits", "uint8"), ("zstd", "zstd", "uint8"),
                        ("tiff_adobe_deflate", "adobe deflate", "uint8")]:
    a = values((900, 1100), dt, 30)
    f = d("pil_%s_%s.tif" % (comp.replace(" ", "_"), dt))
    Image.fromarray(a).save(f, compression=codec)
    # tifffile decodes PackBits and Deflate without imagecodecs; LZW and zstd need PIL (libtiff) to read back.
    reader = "tifffile" if comp in ("packbits", "adobe deflate") else "PIL"
    add("pil-%s-%s" % (comp.replace(" ", "-"), dt), f, "PIL/libtiff", reader, comp, "strips", read_tifffile(f) if reader == "tifffile" else read_pil(f), a)

rgbl = values((640, 800, 3), "uint8", 31)
Image.fromarray(rgbl).save(d("pil_lzw_rgb.tif"), compression="tiff_lzw")
add("pil-lzw-rgb", d("pil_lzw_rgb.tif"), "PIL/libtiff", "PIL", "lzw", "RGB chunky strips", read_pil(d("pil_lzw_rgb.tif")), rgbl.transpose(2, 0, 1))

# JPEG is lossy and decoders differ in rounding: compared with a tolerance against libjpeg-turbo's decode.
smooth = (np.add.outer(np.arange(600) // 3, np.arange(800) // 4) % 200 + 20).astype("uint8")
Image.fromarray(smooth).save(d("pil_jpeg_gray.tif"), compression="jpeg", quality=90)
add("pil-jpeg-gray", d("pil_jpeg_gray.tif"), "PIL/libtiff", "PIL", "jpeg", "strips", read_pil(d("pil_jpeg_gray.tif")), tolerance=2)
smooth_rgb = np.dstack([smooth, smooth[::-1], (smooth // 2 + 60)]).astype("uint8")
Image.fromarray(smooth_rgb).save(d("pil_jpeg_rgb.tif"), compression="jpeg", quality=90)
add("pil-jpeg-rgb", d("pil_jpeg_rgb.tif"), "PIL/libtiff", "PIL", "jpeg", "RGB strips", read_pil(d("pil_jpeg_rgb.tif")), tolerance=2)
Image.fromarray(smooth_rgb).convert("YCbCr").save(d("pil_jpeg_ycbcr.tif"), compression="jpeg", quality=90)
add("pil-jpeg-ycbcr", d("pil_jpeg_ycbcr.tif"), "PIL/libtiff", "PIL", "jpeg (YCbCr)", "YCbCr strips", read_pil(d("pil_jpeg_ycbcr.tif")), tolerance=3,
    omero=[{"label": "red", "color": "FF0000"}, {"label": "green", "color": "00FF00"}, {"label": "blue", "color": "0000FF"}])

# --- stacks: folders of numbered slices ----------------------------------------------------------
stack = values((100, 512, 512), "uint16", 40)
os.makedirs(d("stack_tif"))
for z in range(stack.shape[0]):  # unpadded numbers: natural order, not text order
    tifffile.imwrite(d("stack_tif/slice_%d.tif" % (z + 1)), stack[z], tile=(128, 128), compression="zlib")
slices = [tifffile.imread(d("stack_tif/slice_%d.tif" % (z + 1))) for z in range(stack.shape[0])]
add("stack-tif-100", d("stack_tif"), "tifffile (100 files)", "tifffile", "deflate", "100 slices, tiles 128", [[(np.stack(slices), "ZYX")]], stack)

png = values((12, 300, 400), "uint16", 41)
os.makedirs(d("stack_png16"))
for z in range(png.shape[0]):
    Image.fromarray(png[z]).save(d("stack_png16/img%03d.png" % z))
# PIL reads 16-bit PNG as 32-bit integers ("I" mode): the values are checked against the written ones below.
got = [np.array(Image.open(d("stack_png16/img%03d.png" % z))).astype("uint16") for z in range(png.shape[0])]
add("stack-png-u16", d("stack_png16"), "PIL (PNG)", "PIL", "png", "12 slices", [[(np.stack(got), "ZYX")]], png)

pngrgb = values((6, 200, 250, 3), "uint8", 42)
os.makedirs(d("stack_png_rgb"))
for z in range(pngrgb.shape[0]):
    Image.fromarray(pngrgb[z]).save(d("stack_png_rgb/z%d.png" % z))
got = [np.array(Image.open(d("stack_png_rgb/z%d.png" % z))) for z in range(pngrgb.shape[0])]
add("stack-png-rgb", d("stack_png_rgb"), "PIL (PNG)", "PIL", "png", "6 RGB slices", [[(np.stack(got), "ZYXS")]], pngrgb.transpose(3, 0, 1, 2))

os.makedirs(d("stack_jpeg"))
for z in range(8):
    Image.fromarray(np.roll(smooth, 9 * z, axis=1)).save(d("stack_jpeg/s%d.jpg" % z), quality=92)
got = [np.array(Image.open(d("stack_jpeg/s%d.jpg" % z))) for z in range(8)]
add("stack-jpeg-gray", d("stack_jpeg"), "PIL (JPEG)", "PIL", "jpeg", "8 slices", [[(np.stack(got), "ZYX")]], tolerance=2)

# --- negative cases and laziness -----------------------------------------------------------------
os.makedirs(d("stack_odd"))
for z in range(5):
    shape = (64, 80) if z != 3 else (64, 81)
    tifffile.imwrite(d("stack_odd/p%d.tif" % z), values(shape, "uint8", 50 + z))
ODD = {"open": d("stack_odd"), "odd": "p3.tif", "z": 3}

MANY = None
if "--many" in sys.argv:
    n = int(sys.argv[sys.argv.index("--many") + 1])
    os.makedirs(d("stack_many"))
    good = values((32, 48), "uint8", 60)
    tifffile.imwrite(d("stack_many/m1.tif"), good)
    tifffile.imwrite(d("stack_many/m%d.tif" % n), good[::-1])
    for z in range(2, n):  # never opened at mount: not even a TIFF
        with open(d("stack_many/m%d.tif" % z), "wb") as f:
            f.write(b"not a tiff %d" % z)
    MANY = {"open": d("stack_many"), "slices": n, "first": dump(good, "many-first"), "last": dump(good[::-1], "many-last"), "broken": "m%d.tif" % (n // 2)}

json.dump({"sources": SOURCES, "odd": ODD, "many": MANY}, sys.stdout)
