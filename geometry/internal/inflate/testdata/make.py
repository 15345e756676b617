#!/usr/bin/env python3
"""Writes the raw deflate streams of this directory with zlib (as
Python's zipfile and most X3P writers deflate) and prints, for each, the
length, CRC-32 and SHA-256 of the bytes it holds, which the tests check.

The inputs: little-endian float64 heights in metres (a dome, a tilt and
Gaussian noise, as a measured end face), English-like text (copies at
all distances), runs of a few bytes (copies from 1 to 7 bytes back) and
random bytes (stored blocks).
"""
import hashlib, math, random, struct, zlib

rnd = random.Random(20261201)

def heights(n):
    out = bytearray()
    for i in range(n):
        c, r = i % 256, i // 256
        z = 1e-7 * (1 - ((c - 128) ** 2 + (r - 64) ** 2) / 4e4) + 1e-9 * c + 2e-9 * rnd.gauss(0, 1)
        out += struct.pack('<d', z)
    return bytes(out)

def text(n):
    words = "ferrule fiber protrusion coplanarity guide hole pin apex radius core dip the of a and to in".split()
    out = []
    size = 0
    while size < n:
        w = rnd.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out).encode()[:n]

def runs(n):
    out = bytearray()
    while len(out) < n:
        period = rnd.randint(1, 7)
        pat = bytes(rnd.randrange(256) for _ in range(period))
        out += pat * rnd.randint(2, 100)
    return bytes(out[:n])

def deflate(data, level, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()

cases = [
    ("heights-l6", heights(32768), 6, zlib.Z_DEFAULT_STRATEGY),
    ("heights-l1", heights(8192), 1, zlib.Z_DEFAULT_STRATEGY),
    ("heights-l9", heights(8192), 9, zlib.Z_DEFAULT_STRATEGY),
    ("heights-huffman", heights(8192), 6, zlib.Z_HUFFMAN_ONLY),
    ("text-l6", text(100000), 6, zlib.Z_DEFAULT_STRATEGY),
    ("text-fixed", text(20000), 6, zlib.Z_FIXED),
    ("runs-rle", runs(100000), 6, zlib.Z_RLE),
    ("runs-l6", runs(100000), 6, zlib.Z_DEFAULT_STRATEGY),
    ("random-stored", bytes(rnd.randrange(256) for _ in range(70000)), 0, zlib.Z_DEFAULT_STRATEGY),
    ("empty", b"", 6, zlib.Z_DEFAULT_STRATEGY),
]
for name, data, level, strategy in cases:
    with open(name + ".deflate", "wb") as f:
        f.write(deflate(data, level, strategy))
    print(f'{{"{name}", {len(data)}, 0x{zlib.crc32(data):08x}, "{hashlib.sha256(data).hexdigest()}"}},')
