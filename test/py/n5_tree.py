"""Walks groups that the bridge serves on /n5 with zarr-python 2.13's
N5FSStore, as a user exploring a volume would: `keys()`, `tree()`, and every
array reached by visiting the hierarchy.

stdin: {"cases": [{"id", "url"}]}
stdout: [{"id", "keys" | "keysError", "tree" | "treeError", "arrays": {path: shape}}]
"""
import json
import sys

import zarr
from zarr.n5 import N5FSStore

ONLY_404_IS_MISSING = (KeyError,)


def walk(case):
    out = {"id": case["id"], "arrays": {}}
    store = N5FSStore(case["url"], exceptions=ONLY_404_IS_MISSING)
    try:
        out["keys"] = sorted(store.keys())
    except Exception as e:  # reported, not raised: the test says which case failed and why
        out["keysError"] = "%s: %s" % (type(e).__name__, e)
    try:
        group = zarr.open_group(store=store, mode="r")
        out["tree"] = str(group.tree())
        def note(path, node):
            if isinstance(node, zarr.Array):
                out["arrays"][path] = list(node.shape)

        group.visititems(note)
    except Exception as e:
        out["treeError"] = "%s: %s" % (type(e).__name__, e)
    return out


def main():
    cases = json.load(sys.stdin)["cases"]
    json.dump([walk(c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
