"""Blosc frames exactly as BossDB's BloscRenderer writes them.

BossDB calls python-blosc's `blosc.compress(arr, typesize=<bit depth>)`, which is c-blosc 1.x's
`blosc_compress` with blosclz, clevel 9, byte-shuffle and the *bit* depth (8, 16, 64) as the type size:
each block is split into that many streams. python-blosc is not packaged for Debian; the c-blosc it wraps
is (libblosc1, which python3-numcodecs links to), so the same call is made here through ctypes.

stdin: the voxels (C order, little-endian); argv[1]: the bit depth. stdout: the frame.
"""
import ctypes
import sys

MAX_OVERHEAD = 16  # BLOSC_MAX_OVERHEAD

lib = ctypes.CDLL("libblosc.so.1")
lib.blosc_compress.argtypes = [
    ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_size_t,
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
]
lib.blosc_compress.restype = ctypes.c_int
lib.blosc_set_compressor.argtypes = [ctypes.c_char_p]
lib.blosc_init()

bits = int(sys.argv[1])
raw = sys.stdin.buffer.read()
if lib.blosc_set_compressor(b"blosclz") < 0:
    sys.exit("this c-blosc has no blosclz")
dest = ctypes.create_string_buffer(len(raw) + MAX_OVERHEAD)
n = lib.blosc_compress(9, 1, bits, len(raw), raw, dest, len(raw) + MAX_OVERHEAD)
if n <= 0:
    sys.exit(f"blosc_compress answered {n}")
sys.stdout.buffer.write(dest.raw[:n])
