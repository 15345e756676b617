#!/usr/bin/python3
"""Write the HDF5 test files of this directory with h5py (libhdf5 1.10).

Run by hand (never by go test) from this directory:

    apt-get install -y python3-h5py
    /usr/bin/python3 mkfeatures.py

features.h5 (default format: superblock 0, version-1 object headers,
symbol-table groups, layout message version 3) exercises the datatypes,
layouts and filters that geometry/internal/hdf5 reads; the values are
closed forms repeated in features_test.go. latest.h5 (libver='latest': superblock 3,
version-2 object headers) holds structures that the package reports as
unsupported (a fixed-array chunk index) and dense link and attribute
storage, which it reads; dense.h5 (libver='latest') holds larger dense
storage.
"""
import numpy as np
import h5py


def features(name):
    with h5py.File(name, 'w') as f:
        i = np.arange(10)
        f['ints/i8'] = (i - 3).astype('i1')
        f['ints/u16be'] = (i * 1000).astype('>u2')
        f['ints/i32'] = (-(np.arange(12).reshape(3, 4)) * 100000).astype('<i4')
        f['ints/i64'] = (i.astype('i8') << 40)
        rr, cc = np.meshgrid(np.arange(3), np.arange(5), indexing='ij')
        f['floats/f32be'] = (rr + cc / 8).astype('>f4')
        f['floats/f64'] = np.arange(7) * 0.1

        sid = h5py.h5s.create_simple((6,))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        d = h5py.h5d.create(f.id, b'layouts_compact', h5py.h5t.IEEE_F64LE, sid, dcpl=dcpl)
        d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.arange(6) * 1.5)

        g = f.create_group('layouts')
        rr, cc = np.meshgrid(np.arange(10), np.arange(10), indexing='ij')
        g.create_dataset('chunked_plain', data=(rr * 10 + cc).astype('f4'), chunks=(3, 4))
        g.create_dataset('chunked_fletcher', data=(np.arange(20) * 7 - 50).astype('i2'),
                         chunks=(6,), fletcher32=True, compression='gzip')
        s = g.create_dataset('sparse', shape=(100,), dtype='f8', chunks=(10,), fillvalue=-1.0)
        s[20:30] = np.arange(20, 30)
        s[70:75] = np.arange(70, 75)
        g.create_dataset('cube', data=np.arange(5 * 6 * 7, dtype='i4').reshape(5, 6, 7),
                         chunks=(2, 4, 3), compression='gzip', compression_opts=9, shuffle=True)
        rr, cc = np.meshgrid(np.arange(64), np.arange(64), indexing='ij')
        g.create_dataset('manychunks', data=((rr * 64 + cc) % 251).astype('u1'),
                         chunks=(2, 2), compression='gzip')

        target = f['floats/f64']
        bg = f.create_group('biggroup')
        for k in range(300):
            bg['l%03d' % k] = target  # hard links: a multi-level group B-tree
        f['soft'] = h5py.SoftLink('/floats/f64')

        a = f.attrs
        a['str_fixed'] = np.array(b'hello', dtype='S10')
        tid = h5py.h5t.C_S1.copy()
        tid.set_size(8)
        tid.set_strpad(h5py.h5t.STR_SPACEPAD)
        at = h5py.h5a.create(f.id, b'str_space', tid, h5py.h5s.create(h5py.h5s.SCALAR))
        at.write(np.array(b'ab      ', dtype='S8'))
        a['vlen_str'] = 'h\u00e9llo w\u00f6rld'
        a['scalar_f'] = np.float64(2.5)
        a['arr_i'] = np.array([1, 2, 3], dtype='i4')
        ct = np.dtype([('a', '<i2'), ('b', '<f8', (3,)), ('c', 'S4')])
        a['compound'] = np.array([(7, (0.5, 1.5, 2.5), b'xyz')], dtype=ct)
        et = h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 42}, basetype='i1')
        a.create('enum', data=np.array([42, 0], dtype='i1'), dtype=et)
        a['empty'] = h5py.Empty('f8')
        a['vlen_seq'] = np.array([np.array([1.0, 2.0]), np.array([3.0])],
                                 dtype=h5py.vlen_dtype('f8'))

        f['mytype'] = np.dtype('<f8')
        d = f.create_dataset('typed', data=np.array([1.25, -2.5]), dtype=f['mytype'])
        d.attrs.create('typed_attr', data=np.array([9.5]), dtype=f['mytype'])


def latest(name):
    with h5py.File(name, 'w', libver='latest') as f:
        g = f.create_group('dense_links')
        for k in range(20):
            g['d%02d' % k] = np.array([k])
        d = f.create_dataset('attrs', data=np.zeros(2))
        for k in range(20):
            d.attrs['a%02d' % k] = k
        f.create_dataset('fa', data=np.arange(100.0).reshape(10, 10), chunks=(5, 5))
        f.create_dataset('contig', data=np.arange(4.0))


def dense(name):
    """Dense storage beyond one block and one B-tree node: 1500 hard links
    (a depth-2 name-index B-tree and a fractal heap with an indirect root
    block), links and attributes with creation order tracked and indexed,
    and 200 attributes of the types a .datx surface carries."""
    with h5py.File(name, 'w', libver='latest') as f:
        target = f.create_dataset('target', data=np.arange(3.0))
        g = f.create_group('many')
        for k in range(1500):
            g['l%04d' % k] = target
        o = f.create_group('ordered', track_order=True)
        for k in range(12):
            o['z%02d' % (11 - k)] = np.array([k], dtype='i2')
        d = f.create_dataset('attrs', data=np.zeros((2, 3), dtype='f4'))
        for k in range(200):
            d.attrs['a%03d' % k] = k * 0.5
        d.attrs['Unit'] = 'NanoMeters'  # variable-length string
        d.attrs['No Data'] = np.array([np.finfo('f4').max], dtype='f4')
        d.attrs.create('fixed', np.bytes_('MicroMeters'), dtype='S16')
        d.attrs['vec'] = np.arange(4, dtype='i4')
        t = f.create_dataset('tracked', data=np.zeros(1), track_order=True)
        for k in range(10):
            t.attrs['b%d' % (9 - k)] = k


if __name__ == '__main__':
    features('features.h5')
    latest('latest.h5')
    dense('dense.h5')
    print('wrote features.h5, latest.h5, dense.h5')
