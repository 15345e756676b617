"""Writes what HyperSpy's Digital Surf reader makes of a .sur file as JSON.

HyperSpy 1.7.3 (Debian package python3-hyperspy) ships the reader as
hyperspy/io_plugins/sur.py; it needs only NumPy and
hyperspy.exceptions.MountainsMapFileError. Usage:

    python3 hyperspy_golden.py DIR_WITH_hyperspy_PACKAGE FILE.sur > FILE.sur.hyperspy.json

where DIR_WITH_hyperspy_PACKAGE contains hyperspy/__init__.py,
hyperspy/exceptions.py and hyperspy/sur.py (a copy of io_plugins/sur.py).
"""
import json
import math
import sys

sys.path.insert(0, sys.argv[1])
from hyperspy.sur import file_reader  # noqa: E402
import numpy as np  # noqa: E402

d = file_reader(sys.argv[2])[0]
data = np.asarray(d["data"], dtype=float)
rows, cols = data.shape
out = {
    "source": "HyperSpy 1.7.3 io_plugins/sur.py (Debian python3-hyperspy), data in the file's Z step unit",
    "cols": cols,
    "rows": rows,
    "x_step": d["axes"][1]["scale"],
    "y_step": d["axes"][0]["scale"],
    "xy_unit": d["axes"][1]["units"].strip("\0 "),
    "z": [None if math.isnan(v) else round(v, 9) for v in data.ravel().tolist()],
}
json.dump(out, sys.stdout, indent="\t")
sys.stdout.write("\n")
