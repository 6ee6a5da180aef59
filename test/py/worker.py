"""Runs the suite's Python jobs in one long-lived interpreter per test worker.

Starting Debian's Python and importing numpy, zarr, fsspec and tifffile costs
about 0.3 CPU-s, more than most jobs themselves, and the suite runs ~170 of
them (test/support/python.ts). Each job is what `python3 SCRIPT ARGS` or
`python3 -c CODE ARGS` would do: its own argv, stdin, stdout, stderr and exit
status, run as `__main__`; only the imported modules are kept between jobs.

Frames on the pipes, each a 4-byte little-endian length and that many bytes:
  request:  JSON {"argv": [...]}, then the job's stdin
  response: JSON {"status": int}, then the job's stdout, then its stderr
The protocol has fds 0 and 1 to itself: a job's sys.stdin/stdout/stderr are in
memory, and anything written straight to fd 1 (C code, a child process) goes to
fd 2 instead of into a frame.
"""
import builtins
import io
import json
import os
import runpy
import struct
import sys
import traceback

requests = os.fdopen(os.dup(0), "rb")
responses = os.fdopen(os.dup(1), "wb")
os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
os.dup2(2, 1)

# The modules most jobs import, loaded once (a missing one is the job's error to report, not the worker's).
for name in ("numpy", "zarr", "numcodecs", "fsspec", "aiohttp", "tifffile"):
    try:
        __import__(name)
    except ImportError:
        pass

HOME = os.getcwd()


def read_frame():
    head = requests.read(4)
    if len(head) < 4:
        return None
    (n,) = struct.unpack("<I", head)
    body = requests.read(n)
    if len(body) < n:
        return None
    return body


def write_frames(*parts):
    for part in parts:
        responses.write(struct.pack("<I", len(part)))
        responses.write(part)
    responses.flush()


def forget_filesystems():
    """fsspec keeps file system instances (with their listings) per URL prefix: a later job on a reused port
    must not see an earlier bridge's listings."""
    fsspec = sys.modules.get("fsspec")
    if fsspec is not None:
        for cls in fsspec.registry.values():
            cls.clear_instance_cache()


def run(argv, stdin):
    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr, sys.argv
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    )
    sys.stdin, sys.stdout, sys.stderr = streams
    status = 0
    try:
        os.chdir(HOME)
        forget_filesystems()
        if argv[0] == "-c":
            sys.argv = ["-c"] + argv[2:]
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__", "__builtins__": builtins})
        else:
            sys.argv = list(argv)
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            status = 0
        elif isinstance(e.code, int):
            status = e.code
        else:
            print(e.code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr, sys.argv = saved
        # Detached, a wrapper no longer closes its buffer when it is collected.
        for stream in streams:
            stream.flush()
            stream.detach()
    return status, out.getvalue(), err.getvalue()


def main():
    while True:
        header = read_frame()
        if header is None:
            return
        stdin = read_frame()
        if stdin is None:
            return
        job = json.loads(header)
        status, out, err = run(job["argv"], stdin)
        write_frames(json.dumps({"status": status}).encode(), out, err)


if __name__ == "__main__":
    main()
