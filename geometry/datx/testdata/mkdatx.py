#!/usr/bin/python3
"""Write the small Zygo-Mx-like .datx test files of this directory.

Run by hand (never by go test) from this directory with Debian's h5py:

    apt-get install -y python3-h5py hdf5-tools
    /usr/bin/python3 mkdatx.py

Each file mimics the layout that Zygo Mx writes and that public readers
(SurfaceTopography's DATX reader, prysm's read_zygo_datx) rely on:

    /MetaData                      compound (Source, Link, Destination) of
                                   variable-length strings; the chain
                                   Root -Measurement-> {M} -Surface-> {S} -Path->
                                   gives the surface dataset's path
    /Data/Surface/{GUID}           2-D heights, attributes below
    /Data/Intensity/{GUID}         2-D uint16 intensity (ignored by the reader)
    /Attributes/{GUID}             group of scalar metadata (ignored)

Surface attributes: 'No Data' (1-element array, the data type), 'Unit'
(1-element variable-length string), 'X Converter', 'Y Converter',
'Z Converter' (1-element compound: Category, BaseUnit as variable-length
strings, Parameters as a variable-length float64 sequence whose element 1 is
the lateral resolution in metres per pixel), and for fringe data
'Wavelength' (m), 'Interferometric Scale Factor', 'Obliquity Factor'.

The heights are a closed form so the Go tests can recompute every pixel:

    z(c, r) = A + B*c + C*r + D*c*r      (in the file's unit)

with the (A, B, C, D), invalid pixels and sizes listed in CASES below.
"""
import ctypes
import glob

import numpy as np
import h5py

STR = h5py.string_dtype()
FLT_MAX = float(np.finfo(np.float32).max)

# h5py 3.7 (Debian 12) aborts when it writes an attribute whose compound type
# holds two variable-length strings and a variable-length sequence, so the
# converters are written through the HDF5 C library itself with ctypes.
LIB = ctypes.CDLL(sorted(glob.glob('/usr/lib/*/libhdf5_serial.so.*'))[0])
LIB.H5Awrite.argtypes = [ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]


class _HVL(ctypes.Structure):
    _fields_ = [('len', ctypes.c_size_t), ('p', ctypes.c_void_p)]


class _Conv(ctypes.Structure):
    _fields_ = [('cat', ctypes.c_char_p), ('unit', ctypes.c_char_p),
                ('par', _HVL)]


def _vstr():
    t = h5py.h5t.C_S1.copy()
    t.set_size(h5py.h5t.VARIABLE)
    t.set_cset(h5py.h5t.CSET_UTF8)
    return t


def _conv_type(native):
    t = h5py.h5t.create(h5py.h5t.COMPOUND, ctypes.sizeof(_Conv))
    t.insert(b'Category', 0, _vstr())
    t.insert(b'BaseUnit', 8, _vstr())
    t.insert(b'Parameters', 16, h5py.h5t.vlen_create(
        h5py.h5t.NATIVE_DOUBLE if native else h5py.h5t.IEEE_F64LE))
    return t


def set_converter(ds, name, category, unit, params):
    """Write a 1-element compound attribute (Category, BaseUnit, Parameters)."""
    a = h5py.h5a.create(ds.id, name.encode(), _conv_type(False),
                        h5py.h5s.create_simple((1,)))
    arr = (ctypes.c_double * len(params))(*params)
    v = _Conv(category.encode(), unit.encode(),
              _HVL(len(params), ctypes.cast(arr, ctypes.c_void_p)))
    mtype = _conv_type(True)  # keep a reference: h5py closes it when collected
    if LIB.H5Awrite(a.id, mtype.id, ctypes.byref(v)) < 0:
        raise RuntimeError('H5Awrite failed')


def heights(cols, rows, coef, dtype):
    a, b, c, d = coef
    cc, rr = np.meshgrid(np.arange(cols), np.arange(rows))
    return (a + b * cc + c * rr + d * cc * rr).astype(dtype)


def write(name, *, cols, rows, coef, dtype, unit, dx, dy, no_data,
          invalid=(), nan=(), libver='earliest', chunks=None,
          compression=None, shuffle=False, metadata=True, fringes=None,
          extra_attrs=0, extra_surfaces=0):
    z = heights(cols, rows, coef, dtype)
    for c, r in invalid:
        z[r, c] = no_data
    for c, r in nan:
        z[r, c] = np.nan
    guid = '{6A3B1C2D-0000-4000-8000-00000000%04X}' % cols
    path = '/Data/Surface/' + guid if metadata else '/Measurement/Surface'
    with h5py.File(name, 'w', libver=libver) as f:
        if metadata:
            md = np.array([('Root', 'Measurement', '{M}'),
                           ('{M}', 'Surface', '{S}'),
                           ('{M}', 'Intensity', '{I}'),
                           ('{S}', 'Path', path),
                           ('{I}', 'Path', '/Data/Intensity/' + guid)],
                          dtype=[('Source', STR), ('Link', STR),
                                 ('Destination', STR)])
            f.create_dataset('MetaData', data=md)
            f.create_dataset('/Data/Intensity/' + guid,
                             data=np.arange(cols * rows, dtype=np.uint16)
                             .reshape(rows, cols))
            g = f.create_group('/Attributes/' + guid)
            g.attrs['Data Context.Lateral Resolution:Value'] = np.array([dx])
            g.attrs['Data Context.Lateral Resolution:Unit'] = np.array(['Meters'], dtype=STR)
        for k in range(extra_surfaces):
            # Other surfaces of the measurement, named before the one the
            # MetaData points to: with more than 8 links in 1.8+ format
            # files /Data/Surface goes to dense link storage.
            f.create_dataset('/Data/Surface/{0%02d}' % k, data=np.zeros((2, 2), dtype))
        ds = f.create_dataset(path, data=z, chunks=chunks,
                              compression=compression, shuffle=shuffle)
        for k in range(extra_attrs):
            # Mx's own surface attributes ("Coordinates", "Group Number",
            # ...) stand-ins: past 8 they go to dense attribute storage.
            ds.attrs['Extra %02d' % k] = np.array([k], dtype=np.int32)
        ds.attrs['No Data'] = np.array([no_data], dtype=dtype)
        ds.attrs['Unit'] = np.array([unit], dtype=STR)
        set_converter(ds, 'X Converter', 'LateralCat', 'Pixels', [0, dx, 0, 0])
        set_converter(ds, 'Y Converter', 'LateralCat', 'Pixels', [0, dy, 0, 0])
        if fringes is None:
            set_converter(ds, 'Z Converter', 'HeightCat', unit, [0, 0, 0, 0])
        else:
            wl, sf, ob = fringes
            set_converter(ds, 'Z Converter', 'HeightCat', unit, [0, wl, sf, ob])
            ds.attrs['Wavelength'] = np.array([wl])
            ds.attrs['Interferometric Scale Factor'] = np.array([sf])
            ds.attrs['Obliquity Factor'] = np.array([ob])


CASES = dict(
    # superblock v0, object header v1, symbol-table groups, contiguous float32
    mx_f32_contig=dict(cols=40, rows=30, coef=(1.5, 0.25, -0.125, 0.001),
                       dtype=np.float32, unit='MicroMeters', dx=2.5e-6,
                       dy=3.0e-6, no_data=FLT_MAX,
                       invalid=[(0, 0), (39, 29), (7, 11)], nan=[(3, 4)]),
    # superblock v2, object header v2, link messages, chunked+shuffle+gzip
    # float64 with edge chunks (50 = 3*16+2, 37 = 2*16+5)
    mx_f64_gzip=dict(cols=50, rows=37, coef=(-250.0, 12.5, 7.25, -0.5),
                     dtype=np.float64, unit='NanoMeters', dx=0.87e-6,
                     dy=0.87e-6, no_data=float(np.finfo(np.float64).max),
                     invalid=[(49, 36), (16, 16)], libver=('v108', 'v108'),
                     chunks=(16, 16), compression='gzip', shuffle=True),
    # older NX2-style layout: /Measurement/Surface, no /MetaData, fringes,
    # superblock v3 (libver latest), contiguous
    nx_fringes=dict(cols=24, rows=20, coef=(0.1, 0.01, -0.02, 0.0005),
                    dtype=np.float32, unit='Fringes', dx=5e-6, dy=5e-6,
                    no_data=FLT_MAX, invalid=[(5, 5)], libver='latest',
                    metadata=False, fringes=(632.8e-9, 0.5, 1.0)),
    # libver latest with 10 more surface attributes and 10 more surfaces:
    # the surface's attributes and /Data/Surface's links in dense storage
    # (fractal heap and version-2 B-tree), contiguous float32
    mx_dense=dict(cols=16, rows=12, coef=(3.0, -0.5, 0.25, 0.01),
                  dtype=np.float32, unit='MicroMeters', dx=1.25e-6,
                  dy=1.25e-6, no_data=FLT_MAX, invalid=[(15, 0)],
                  libver='latest', extra_attrs=10, extra_surfaces=10),
)



def write_plain(name):
    """An HDF5 file that is not a .datx: no MetaData, Measurement or Data."""
    with h5py.File(name, 'w') as f:
        f.create_dataset('x', data=np.arange(6.0).reshape(2, 3))


if __name__ == '__main__':
    for name, kw in CASES.items():
        write(name + '.datx', **kw)
        print('wrote', name + '.datx')
    write_plain('plain.h5')
    print('wrote plain.h5')
