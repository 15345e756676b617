package x3p

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"image"
	"io"
	"math"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgeo/mtgeo/geometry"
	"github.com/mtgeo/mtgeo/geometry/internal/inflate"
	"gonum.org/v1/gonum/spatial/r2"
)

// Limits on what the decoder reads. See the package documentation.
const (
	// MaxArchiveSize is the largest archive, in bytes, read into memory
	// from an io.Reader that is not an io.ReaderAt: the largest binary
	// point data (MaxPixels float64 values) plus 64 MiB for main.xml, the
	// valid-point bitmap and the zip structure.
	MaxArchiveSize = geometry.MaxPixels*8 + 64<<20

	// MaxMainXMLSize is the largest main.xml, in bytes (uncompressed).
	// main.xml is parsed as a stream; this bounds the time spent and the
	// memory a single huge text element can take, and leaves room for
	// inline (DataList) maps of about ten megapixels.
	MaxMainXMLSize = 256 << 20

	maxFieldLen    = 4096 // longest header value kept, bytes
	maxDatumLen    = 256  // longest DataList/Datum text, bytes
	maxXMLDepth    = 64   // deepest element nesting accepted
	maxChecksumLen = 4096 // longest md5checksum.hex, bytes
	// maxDeflateRatio bounds how far deflate can expand data: 258 bytes
	// from about 2 bits, 1032:1 (RFC 1951 length codes).
	maxDeflateRatio = 1032
	chunkSize       = 64 << 10
)

// Header paths, relative to the root element ISO5436_2.
const (
	pFeatureType = "Record1/FeatureType"
	pCX          = "Record1/Axes/CX/"
	pCY          = "Record1/Axes/CY/"
	pCZ          = "Record1/Axes/CZ/"
	pMatrix      = "Record3/MatrixDimension/"
	pListDim     = "Record3/ListDimension"
	pDataLink    = "Record3/DataLink"
	pDataList    = "Record3/DataList"
	pDatum       = "Record3/DataList/Datum"
	pChecksum    = "Record4/ChecksumFile"
)

// keep lists the leaf elements whose text the parser stores.
var keep = map[string]bool{
	"Record1/Revision": true, pFeatureType: true,
	pCX + "AxisType": true, pCX + "DataType": true, pCX + "Increment": true, pCX + "Offset": true,
	pCY + "AxisType": true, pCY + "DataType": true, pCY + "Increment": true, pCY + "Offset": true,
	pCZ + "AxisType": true, pCZ + "DataType": true, pCZ + "Increment": true, pCZ + "Offset": true,
	pMatrix + "SizeX": true, pMatrix + "SizeY": true, pMatrix + "SizeZ": true, pListDim: true,
	pDataLink + "/PointDataLink": true, pDataLink + "/MD5ChecksumPointData": true,
	pDataLink + "/ValidPointsLink": true, pDataLink + "/MD5ChecksumValidPoints": true,
	pChecksum: true,
}

// Record2 paths: what the file says about the measurement. They are kept
// as metadata (geometry.HeightMap.Meta), never checked: an overlong value
// is cut at maxFieldLen and a repeated one ignored, not an error.
const (
	pDate         = "Record2/Date"
	pCreator      = "Record2/Creator"
	pManufacturer = "Record2/Instrument/Manufacturer"
	pModel        = "Record2/Instrument/Model"
	pSerial       = "Record2/Instrument/Serial"
)

var keepMeta = map[string]bool{pDate: true, pCreator: true, pManufacturer: true, pModel: true, pSerial: true}

// metadata returns the Record2 date, instrument and creator of fields.
// Fields reading "unknown" (as Encode writes what it is not told) or
// "N/A" (as x3ptools writes them) count
// as absent; a date that is not an xsd:dateTime is left zero, and one
// without a time zone is taken as UTC.
func metadata(fields map[string]string) geometry.Metadata {
	get := func(k string) string {
		v := strings.TrimSpace(fields[k])
		if strings.EqualFold(v, "unknown") || strings.EqualFold(v, "N/A") {
			return ""
		}
		return v
	}
	var md geometry.Metadata
	if d := get(pDate); d != "" {
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, d); err == nil {
				md.Time = t
				break
			}
		}
	}
	var inst []string
	for _, k := range []string{pManufacturer, pModel} {
		if v := get(k); v != "" {
			inst = append(inst, v)
		}
	}
	md.Instrument = strings.Join(inst, " ")
	if v := get(pSerial); v != "" {
		if md.Instrument != "" {
			md.Instrument += ", "
		}
		md.Instrument += "serial " + v
	}
	md.Creator = get(pCreator)
	return md
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("x3p: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("x3p: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// axis is one Record1/Axes/C? element.
type axis struct {
	name      string // "CX", "CY", "CZ"
	axisType  string // "I" or "A"
	dataType  string // "I", "L", "F", "D" or ""
	increment float64
	offset    float64
}

// header is what main.xml says about the map, checked.
type header struct {
	cols, rows int
	cx, cy, cz axis
	inline     bool // point data in DataList rather than DataLink
	pointLink  string
	pointMD5   []byte // nil when absent
	validLink  string
	validMD5   []byte
	checksum   string // Record4/ChecksumFile
	warnings   []string
}

// warn records a warning for the map (geometry.HeightMap.Warn).
func (h *header) warn(format string, a ...any) {
	h.warnings = append(h.warnings, fmt.Sprintf(format, a...))
}

func (h *header) config() geometry.Config {
	return geometry.Config{
		Format: "x3p",
		Cols:   h.cols,
		Rows:   h.rows,
		Pitch:  vec(h.cx.increment*umPerM, h.cy.increment*umPerM),
		Offset: vec(h.cx.offset*umPerM, h.cy.offset*umPerM),
	}
}

// bytesPerValue returns the size of one binary Z value of type t.
func bytesPerValue(t string) int {
	switch t {
	case "D":
		return 8
	case "F", "L":
		return 4
	case "I":
		return 2
	}
	return 0
}

// Decode reads an X3P file (ISO 25178-72) holding a surface (FeatureType
// SUR) and returns its height map in µm. opts may be nil; opts.Channel
// must be 0 (an X3P surface has one layer) and opts.Pitch stands in for a
// CX or CY Increment that main.xml does not give. What was read but is
// suspect (see the package documentation) is in the map's Warnings.
// If r is an io.ReaderAt with a size (an *os.File, a *bytes.Reader) the
// archive is read in place; otherwise it is read into memory, up to
// MaxArchiveSize bytes.
func Decode(r io.Reader, opts *geometry.Options) (_ *geometry.HeightMap, err error) {
	if err := checkChannel(opts); err != nil {
		return nil, err
	}
	a, err := openArchive(r)
	if err != nil {
		return nil, err
	}
	defer a.close()
	defer a.guard()()
	defer catchFault(&err)
	mainFile, err := a.findMain()
	if err != nil {
		return nil, err
	}
	p := &parser{withData: true, pitch: optPitch(opts)}
	mainSum, err := p.parseMain(a, mainFile, true)
	if err != nil {
		return nil, err
	}
	h := p.h // parseMain ends with a checked header or an error
	dir := path.Dir(a.name(mainFile))
	sumWarning, err := a.checkMainSum(h.checksum, dir, mainSum)
	if err != nil {
		return nil, err
	}
	m := p.m
	if !h.inline {
		f := a.find(h.pointLink, dir)
		if f == nil {
			return nil, formatErr("point data %q not in archive", h.pointLink)
		}
		if m, err = a.readPoints(f, h, opts != nil && opts.Serial); err != nil {
			return nil, err
		}
	}
	if h.validLink != "" {
		f := a.find(h.validLink, dir)
		if f == nil {
			return nil, formatErr("valid-point bitmap %q not in archive", h.validLink)
		}
		if err := a.readValid(f, h, m); err != nil {
			return nil, err
		}
	}
	m.Meta = metadata(p.fields)
	m.Warnings = append(m.Warnings, h.warnings...)
	if sumWarning != "" {
		m.Warnings = append(m.Warnings, sumWarning)
	}
	return m, nil
}

// optPitch returns opts.Pitch, µm, with a single positive component used
// for both axes (as the text decoder does); zero where nothing usable is
// given.
func optPitch(opts *geometry.Options) r2.Vec {
	if opts == nil {
		return r2.Vec{}
	}
	p := opts.Pitch
	ok := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case ok(p.X) && ok(p.Y):
	case ok(p.X):
		p.Y = p.X
	case ok(p.Y):
		p.X = p.Y
	default:
		return r2.Vec{}
	}
	return p
}

// DecodeConfig reads the size, pitch and offset of an X3P surface from its
// main.xml, without reading the point data or checking any checksum.
// opts is used as by Decode.
func DecodeConfig(r io.Reader, opts *geometry.Options) (_ geometry.Config, err error) {
	if err := checkChannel(opts); err != nil {
		return geometry.Config{}, err
	}
	a, err := openArchive(r)
	if err != nil {
		return geometry.Config{}, err
	}
	defer a.close()
	defer a.guard()()
	defer catchFault(&err)
	mainFile, err := a.findMain()
	if err != nil {
		return geometry.Config{}, err
	}
	p := &parser{pitch: optPitch(opts)}
	if _, err := p.parseMain(a, mainFile, false); err != nil {
		return geometry.Config{}, err
	}
	return p.h.config(), nil
}

func checkChannel(opts *geometry.Options) error {
	return geometry.OneChannel(opts, "x3p", "an X3P surface has one layer")
}

// archive is an opened zip with normalised member names.
type archive struct {
	zr    *zip.Reader
	ra    io.ReaderAt // the archive's bytes
	size  int64       // bytes
	names map[*zip.File]string
	// data are the archive's bytes in memory (inPlace), nil when they are
	// read through ra; unmap releases them where they are a mapped file.
	data  []byte
	unmap func()
}

// openArchive opens r as a zip archive, in place if r allows random
// access: an input in memory (geometry.BytesReader) as it is, a file
// mapped into memory where the system allows it. The caller must close
// the archive, and read it only on goroutines that catch faults
// (guard, catchFault).
func openArchive(r io.Reader) (_ *archive, err error) {
	ra, size, err := geometry.ReaderAt(r, MaxArchiveSize)
	if err != nil {
		return nil, fmt.Errorf("x3p: reading archive: %w", err)
	}
	a := &archive{ra: ra, size: size}
	if data, unmap, ok := inPlace(ra, size); ok {
		a.ra, a.data, a.unmap = bytes.NewReader(data), data, unmap
	}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	defer a.guard()()
	defer catchFault(&err)
	zr, err := zip.NewReader(a.ra, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		var head [4]byte
		if n, _ := a.ra.ReadAt(head[:], 0); n == 4 && string(head[:]) == "PK\x03\x04" {
			return nil, fmt.Errorf("x3p: %w: %w (%w)", geometry.FormatError("truncated or damaged zip archive"), io.ErrUnexpectedEOF, err)
		}
		return nil, fmt.Errorf("x3p: %w: %w", geometry.FormatError("not a zip archive"), err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	a.zr, a.names = zr, make(map[*zip.File]string, len(zr.File))
	for _, f := range zr.File {
		a.names[f] = cleanName(f.Name)
	}
	return a, nil
}

// inPlace returns the size bytes that ra reads as one slice, without a
// copy, where they are in memory already (a geometry.BytesReader, or a
// section of one) or a file can be mapped (mapFile, then with the unmap
// that releases them).
func inPlace(ra io.ReaderAt, size int64) (data []byte, unmap func(), ok bool) {
	off := int64(0)
	if sr, isSection := ra.(*io.SectionReader); isSection {
		var n int64
		ra, off, n = sr.Outer()
		if n != size {
			return nil, nil, false
		}
	}
	if m, inMemory := ra.(interface{ Bytes() []byte }); inMemory {
		b := m.Bytes()
		if off < 0 || size < 0 || off > int64(len(b)) || size > int64(len(b))-off {
			return nil, nil, false
		}
		return b[off : off+size], nil, true
	}
	return mapFile(ra, off, size)
}

// guard makes a fault reading the mapped archive on the calling goroutine
// a panic, for catchFault to turn into an error, and returns what restores
// the goroutine's setting; for an archive not mapped it does nothing.
func (a *archive) guard() func() {
	if a.unmap == nil {
		return func() {}
	}
	prev := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(prev) }
}

// close releases the mapped archive, if it was mapped.
func (a *archive) close() {
	if a.unmap != nil {
		a.unmap()
		a.unmap, a.data = nil, nil
	}
}

// errFileShrank is what reading a mapped archive past the end of a file
// cut short meanwhile (by whoever writes it) comes to.
var errFileShrank = fmt.Errorf("x3p: reading archive: the file became shorter while it was read: %w", io.ErrUnexpectedEOF)

// catchFault, deferred with debug.SetPanicOnFault(true) in effect, turns
// the fault of reading a mapped archive whose file was cut short into
// errFileShrank in *err; any other panic goes on. It is deferred in every
// function that reads a mapped archive on a goroutine of its own.
func catchFault(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if _, fault := r.(interface{ Addr() uintptr }); fault {
		*err = errFileShrank
		return
	}
	panic(r)
}

// cleanName normalises a member name or link: slashes, no leading "./"
// or "/", cleaned.
func cleanName(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\\", "/")
	s = path.Clean("/" + s)
	return strings.TrimPrefix(s, "/")
}

func (a *archive) name(f *zip.File) string { return a.names[f] }

func isDir(f *zip.File) bool { return strings.HasSuffix(f.Name, "/") || f.FileInfo().IsDir() }

// findMain returns the main.xml member closest to the archive root.
func (a *archive) findMain() (*zip.File, error) {
	var best *zip.File
	for _, f := range a.zr.File {
		n := a.names[f]
		if isDir(f) || !strings.EqualFold(path.Base(n), "main.xml") {
			continue
		}
		if best == nil || strings.Count(n, "/") < strings.Count(a.names[best], "/") {
			best = f
		}
	}
	if best == nil {
		return nil, formatErr("no main.xml in the archive")
	}
	return best, nil
}

// find resolves link, relative to the folder of main.xml (dir) or to the
// archive root, falling back to a unique-enough member of the same base
// name (one under dir first). It returns nil if nothing matches.
func (a *archive) find(link, dir string) *zip.File {
	link = cleanName(link)
	if link == "" || link == "." {
		return nil
	}
	want := []string{path.Join(dir, link), link}
	for _, eq := range []func(a, b string) bool{func(a, b string) bool { return a == b }, strings.EqualFold} {
		for _, w := range want {
			for _, f := range a.zr.File {
				if !isDir(f) && eq(a.names[f], w) {
					return f
				}
			}
		}
	}
	base := path.Base(link)
	var any *zip.File
	for _, f := range a.zr.File {
		n := a.names[f]
		if isDir(f) || !strings.EqualFold(path.Base(n), base) {
			continue
		}
		if dir == "." || strings.HasPrefix(n, dir+"/") {
			return f
		}
		if any == nil {
			any = f
		}
	}
	return any
}

// checkMainSum compares the MD5 of main.xml with the checksum file named by
// Record4 (md5checksum.hex if not named), when the archive has one. A sum
// that differs, or a checksum file that holds none, gives a warning, not
// an error: some writers store a stale or wrong sum (x3ptools'
// csafe-logo.x3p), and the openGPS library too only warns. A damaged zip
// member is an error.
func (a *archive) checkMainSum(name, dir string, sum []byte) (warning string, err error) {
	if name == "" {
		name = "md5checksum.hex"
	}
	f := a.find(name, dir)
	if f == nil {
		return "", nil
	}
	if f.UncompressedSize64 > maxChecksumLen {
		return fmt.Sprintf("checksum file %s is %d bytes long, not an MD5 sum: main.xml not verified", name, f.UncompressedSize64), nil
	}
	b, err := a.readAll(f, int(f.UncompressedSize64), "checksum file")
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return fmt.Sprintf("checksum file %s is empty: main.xml not verified", name), nil
	}
	want, err := parseMD5(strings.TrimPrefix(fields[0], "\ufeff"))
	if err != nil {
		return fmt.Sprintf("checksum file %s holds a %v: main.xml not verified", name, err), nil
	}
	if !bytes.Equal(want, sum) {
		return fmt.Sprintf("main.xml MD5 mismatch (stale or wrong checksum): %s says %x, main.xml has %x", name, want, sum), nil
	}
	return "", nil
}

// parseMD5 decodes a 32-digit hexadecimal MD5 sum.
func parseMD5(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != md5.Size {
		return nil, fmt.Errorf("malformed MD5 sum %q", trunc(s))
	}
	return b, nil
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// openEntry opens member f whose uncompressed size must be want bytes.
func (a *archive) openEntry(f *zip.File, want int64, what string) (io.ReadCloser, error) {
	if f.UncompressedSize64 != uint64(want) {
		return nil, formatErr("%s %s is %d bytes, want %d", what, f.Name, f.UncompressedSize64, want)
	}
	return a.open(f, what)
}

// open opens member f after checking that its compressed data lie inside
// the archive and could expand to its declared size, so that no size
// taken from the zip directory is trusted beyond the bytes present.
func (a *archive) open(f *zip.File, what string) (io.ReadCloser, error) {
	if _, err := a.check(f, what); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, unsupportedErr("%s %s: zip compression method %d", what, f.Name, f.Method)
		}
		return nil, fmt.Errorf("x3p: opening %s %s: %w", what, f.Name, geometry.UnexpectedEOF(err))
	}
	return rc, nil
}

// check checks, before member f is read, that its compressed data lie
// inside the archive and could expand to its declared size, and returns
// where they start.
func (a *archive) check(f *zip.File, what string) (int64, error) {
	off, err := f.DataOffset()
	if err != nil {
		return 0, fmt.Errorf("x3p: %w: %s %s: %w", geometry.FormatError("damaged zip member"), what, f.Name, geometry.UnexpectedEOF(err))
	}
	comp, full := f.CompressedSize64, f.UncompressedSize64
	if off < 0 || comp > uint64(a.size) || uint64(off) > uint64(a.size)-comp {
		return 0, fmt.Errorf("x3p: %w: %s %s ends past the end of the archive: %w", geometry.FormatError("truncated zip member"), what, f.Name, io.ErrUnexpectedEOF)
	}
	switch f.Method {
	case zip.Store:
		if comp != full {
			return 0, formatErr("%s %s: stored member of %d bytes declares %d", what, f.Name, comp, full)
		}
	case zip.Deflate:
		if full/maxDeflateRatio > comp+4 {
			return 0, formatErr("%s %s: %d compressed bytes cannot hold %d", what, f.Name, comp, full)
		}
	}
	return off, nil
}

// openPoints opens the point data member f of size bytes (checked as by
// openEntry) for readPoints, without archive/zip's reader: an archive in
// memory (mapped or not) is inflated in place, from its own bytes, by
// newMemInflater. The CRC-32 is the caller's to check (checkCRC), on the
// goroutine that has the time.
func (a *archive) openPoints(f *zip.File, size int64) (io.ReadCloser, error) {
	const what = "point data"
	if f.UncompressedSize64 != uint64(size) {
		return nil, formatErr("%s %s is %d bytes, want %d", what, f.Name, f.UncompressedSize64, size)
	}
	off, err := a.check(f, what)
	if err != nil {
		return nil, err
	}
	comp := int64(f.CompressedSize64)
	var src io.Reader = io.NewSectionReader(a.ra, off, comp)
	if a.data != nil {
		src = bytes.NewReader(a.data[off : off+comp])
	}
	switch {
	case f.Method == zip.Store:
		return io.NopCloser(src), nil
	case f.Method == zip.Deflate && a.data != nil:
		return newMemInflater(a.data[off : off+comp]), nil
	case f.Method == zip.Deflate:
		return newInflater(src), nil
	}
	return nil, unsupportedErr("%s %s: zip compression method %d", what, f.Name, f.Method)
}

// checkCRC returns an error naming member f unless sum, the CRC-32 of its
// bytes, is the one the zip directory gives (0 there: none given, as
// archive/zip takes it).
func checkCRC(f *zip.File, sum uint32) error {
	if f.CRC32 != 0 && sum != f.CRC32 {
		return memberErr(f, "point data", zip.ErrChecksum)
	}
	return nil
}

// finishEntry checks that rc, from which exactly the declared size was
// read, ends there; reading to the end makes archive/zip check the CRC.
func finishEntry(rc io.Reader, f *zip.File, what string) error {
	var b [1]byte
	for {
		n, err := rc.Read(b[:])
		if n > 0 { // as archive/zip says it
			return fmt.Errorf("%w: %w", formatErr("%s %s is longer than its declared %d bytes", what, f.Name, f.UncompressedSize64), zip.ErrFormat)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return memberErr(f, what, err)
		}
	}
}

// memberErr describes err, met reading member f (what names its role):
// a CRC-32 mismatch, corrupt deflate data or a zip structure that does not
// add up is a geometry.FormatError naming the member, which still wraps
// err (zip.ErrChecksum, flate.CorruptInputError, zip.ErrFormat); an early
// end wraps io.ErrUnexpectedEOF.
func memberErr(f *zip.File, what string, err error) error {
	member := what + " " + f.Name
	if what == f.Name {
		member = f.Name // "main.xml main.xml"
	}
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("x3p: %w: %s: %w", geometry.FormatError("CRC-32 mismatch"), member, err)
	case errors.As(err, &ce), errors.Is(err, zip.ErrFormat):
		return fmt.Errorf("x3p: %w: %s: %w", geometry.FormatError("damaged zip member"), member, err)
	}
	return fmt.Errorf("x3p: reading %s: %w", member, geometry.UnexpectedEOF(err))
}

// readAll reads member f of n bytes through a limit.
func (a *archive) readAll(f *zip.File, n int, what string) ([]byte, error) {
	rc, err := a.openEntry(f, int64(n), what)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b := make([]byte, n)
	if _, err := io.ReadFull(rc, b); err != nil {
		return nil, memberErr(f, what, err)
	}
	if err := finishEntry(rc, f, what); err != nil {
		return nil, err
	}
	return b, nil
}

// readPoints reads the binary point data member f into a new map.
// A second goroutine inflates the member (from the mapped file where it
// is one) into a few recycled chunk buffers while this one computes the
// CRC-32 and MD5 and converts the values, so that two cores share the
// work; serial does both in turn on this goroutine. The heights are first
// written by the conversion, so the page faults of their fresh memory
// (some 25 ms for 4 megapixels on a virtual machine) fall on this
// goroutine, beside the MD5, and not on the inflater. A large deflated
// member in memory is also inflated in two parts at once (readSplit).
func (a *archive) readPoints(f *zip.File, h *header, serial bool) (*geometry.HeightMap, error) {
	bpv := bytesPerValue(h.cz.dataType)
	n := h.cols * h.rows
	// The heights are allocated for what the member's compressed bytes can
	// plausibly hold (measured height data deflates by well under 4:1).
	// A member that claims more (a flat or quantised map, or a deflate
	// bomb) is first inflated without keeping anything, so that only data
	// actually there is allocated for, and then once at its exact size.
	size := int64(n) * int64(bpv)
	plausible := int64(growStep) + 4*int64(f.CompressedSize64)/int64(bpv)
	// Split only float64 data: for narrower values the heights (8 bytes
	// each) make the conversion, not the inflate, the longer part, and a
	// tail's buffer only adds page faults (float32: 7 % slower).
	if !serial && bpv == 8 && int64(n) <= plausible && a.data != nil && f.Method == zip.Deflate &&
		f.CompressedSize64 >= splitMinSize && runtime.GOMAXPROCS(0) > 1 {
		if m, ok := a.readSplit(f, h); ok {
			return m, nil
		}
	}
	if int64(n) > plausible {
		if err := a.checkInflates(f, size); err != nil {
			return nil, err
		}
		plausible = int64(n)
	}
	rc, err := a.openPoints(f, size)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p := newPoints(h, int(min(int64(n), plausible)))
	bufLen := min(n, pipeChunkSize/bpv) * bpv
	if serial {
		b := getPipeBuffer(bufLen)
		defer putPipeBuffer(b)
		if err := readChunks(rc, f, n, bpv, b, p.take); err != nil {
			return nil, err
		}
	} else if err := pipePoints(rc, f, n, bpv, bufLen, p.take, a.guard, nil); err != nil {
		return nil, err
	}
	if err := p.check(f, h); err != nil {
		return nil, err
	}
	return newMap(h, p.z), nil
}

// points is point data being read: the heights converted so far, and the
// checksums of the bytes they came from.
type points struct {
	z    []float64
	n    int // values in all
	bpv  int // bytes per value
	crc  uint32
	sum  hash.Hash // MD5, nil when main.xml gives none
	conv func(dst []float64, src []byte)
}

// newPoints returns the empty point data of header h, with room for
// capacity heights.
func newPoints(h *header, capacity int) *points {
	p := &points{
		z:    make([]float64, 0, capacity),
		n:    h.cols * h.rows,
		bpv:  bytesPerValue(h.cz.dataType),
		conv: converter(h.cz),
	}
	if h.pointMD5 != nil {
		p.sum = md5.New()
	}
	return p
}

// take checksums and converts b, whole values.
func (p *points) take(b []byte) {
	p.hash(b)
	k := len(b) / p.bpv
	if len(p.z)+k > cap(p.z) {
		p.z = slices.Grow(p.z, min(p.n, max(2*cap(p.z), len(p.z)+k))-len(p.z))
	}
	i := len(p.z)
	p.z = p.z[:i+k]
	p.conv(p.z[i:], b)
}

// hash adds b to the checksums.
func (p *points) hash(b []byte) {
	p.crc = crc32.Update(p.crc, crc32.IEEETable, b)
	if p.sum != nil {
		p.sum.Write(b)
	}
}

// check returns an error unless the checksums of all the point data,
// member f's, match the zip directory's CRC-32 and main.xml's MD5.
func (p *points) check(f *zip.File, h *header) error {
	if err := checkCRC(f, p.crc); err != nil {
		return err
	}
	if p.sum != nil {
		if got := p.sum.Sum(nil); !bytes.Equal(got, h.pointMD5) {
			return formatErr("point data MD5 mismatch: main.xml says %x, %s has %x", h.pointMD5, f.Name, got)
		}
	}
	return nil
}

// Splitting the inflate of a large member over two cores (see
// geometry/internal/inflate): the head on one goroutine, feeding the
// checksums and conversion as usual, the tail on another.
const (
	// splitMinSize is the smallest compressed member split, bytes: half
	// a megapixel of float64.
	splitMinSize = 4 << 20
	// splitSearch is how many bytes past the middle a block boundary is
	// looked for (some 5 ms when there is none): zlib ends a block every
	// 20 KiB or so of measured data, and one in eight boundaries falls
	// between bytes, so one is found within this 96 times in 100.
	splitSearch = 512 << 10
	// headShare is the share of a split member's compressed bytes in its
	// head (0.4 and 0.6 were no faster: -bench DecodeSplit4MP, and the
	// zlib-deflated file of the README).
	headShare = 0.5
)

// readSplit reads point data member f, deflated and in memory, of header
// h, in two parts at once: the head as readPoints does, the tail on
// another goroutine. It reports false if the member could not be split or
// its parts do not add up to data that pass the checksums; the caller then
// reads it whole, which reports what is wrong.
func (a *archive) readSplit(f *zip.File, h *header) (*geometry.HeightMap, bool) {
	off, err := a.check(f, "point data")
	if err != nil {
		return nil, false
	}
	comp := a.data[off : off+int64(f.CompressedSize64)]
	from := int(float64(len(comp)) * headShare)
	at := inflate.FindBlock(comp, from, from+splitSearch)
	if at < 0 {
		return nil, false
	}
	p := newPoints(h, h.cols*h.rows)
	size := p.n * p.bpv
	var stop atomic.Bool
	type tailResult struct {
		tail *inflate.Tail
		err  error
	}
	tails := make(chan tailResult, 1)
	go func() {
		var r tailResult
		defer func() { tails <- r }()
		defer a.guard()()
		defer catchFault(&r.err)
		r.tail, r.err = inflate.InflateTail(comp[at:], size, &stop)
	}()
	done := false
	defer func() { // the tail's goroutine reads the archive: it must have returned
		if !done {
			stop.Store(true)
			if r := <-tails; r.tail != nil {
				r.tail.Release()
			}
		}
	}()
	head := inflate.NewHead(comp, at)
	var hs splitHead
	bufLen := min(p.n, pipeChunkSize/p.bpv) * p.bpv
	if err := pipePoints(head, f, p.n, p.bpv, bufLen, p.take, a.guard, &hs); err != nil || hs.err != nil {
		return nil, false
	}
	r := <-tails
	done = true
	if r.tail != nil {
		defer r.tail.Release()
	}
	if r.err != nil || hs.n == 0 || hs.n+len(r.tail.Bytes) != size || !r.tail.Resolve(head.Window()) {
		return nil, false
	}
	rest := r.tail.Bytes
	if k := len(hs.rem); k > 0 { // the value across the boundary
		p.take(append(hs.rem, rest[:p.bpv-k]...))
		rest = rest[p.bpv-k:]
	}
	i := len(p.z)
	p.z = p.z[:p.n]
	converted := make(chan struct{}, 1)
	go func() {
		p.conv(p.z[i:], rest)
		converted <- struct{}{}
	}()
	p.hash(rest)
	<-converted
	if p.check(f, h) != nil {
		return nil, false
	}
	return newMap(h, p.z), true
}

// splitHead is what the head of a split member leaves: the bytes it held,
// its last value's first bytes when the boundary cuts one, and the error
// that ended it early (nil at the boundary).
type splitHead struct {
	n   int
	rem []byte
	err error
}

// readChunks reads the n values of bpv bytes of point data member f from
// rc into b, chunk after chunk, hands each to take, and checks that rc
// ends there.
func readChunks(rc io.Reader, f *zip.File, n, bpv int, b []byte, take func([]byte)) error {
	for i := 0; i < n; {
		k := min(n-i, len(b)/bpv)
		if _, err := io.ReadFull(rc, b[:k*bpv]); err != nil {
			return memberErr(f, fmt.Sprintf("point data (at value %d)", i), err)
		}
		take(b[:k*bpv])
		i += k
	}
	return finishEntry(rc, f, "point data")
}

// pipePoints is readChunks with the inflating on a second goroutine, into
// up to pipeBuffers recycled buffers of bufLen bytes, while this one takes
// them. The buffers are made as the inflating gets ahead: as many as the
// two goroutines' changing paces need, so that neither waits for the other
// while the other has work (with four, each waited a quarter of the time).
//
// With head, rc is the head of a split member (readSplit): it ends early,
// and what it held is told in head.
func pipePoints(rc io.Reader, f *zip.File, n, bpv, bufLen int, take func([]byte), guard func() func(), head *splitHead) error {
	// Every buffer is in free, in chunks or held by one goroutine; chunks
	// has room for all and the last message, so the inflating goroutine
	// never waits to send and, once it has sent the last, has returned.
	free := make(chan []byte, pipeBuffers)
	chunks := make(chan pointChunk, pipeBuffers+1)
	defer putPipeBuffers(free)
	go inflatePoints(rc, f, n, bpv, bufLen, free, chunks, guard, head)
	for {
		c := <-chunks
		if c.last {
			return c.err
		}
		take(c.b)
		free <- c.b
	}
}

// The point data pipeline: up to pipeBuffers buffers of pipeChunkSize
// bytes, 8 MiB, a quarter of a 4-megapixel map's (-bench Decode4MP).
const (
	pipeChunkSize = 256 << 10
	pipeBuffers   = 32
)

// pipeBufferPool holds idle point data buffers of pipeChunkSize bytes
// (*[]byte), so that decoding file after file reuses them.
var pipeBufferPool sync.Pool

// getPipeBuffer returns a buffer of n bytes, from the pool if n is
// pipeChunkSize.
func getPipeBuffer(n int) []byte {
	if n == pipeChunkSize {
		if p, ok := pipeBufferPool.Get().(*[]byte); ok {
			return *p
		}
	}
	return make([]byte, n)
}

// putPipeBuffers puts the full-sized buffers left in free back in the
// pool. It must be called once the inflating goroutine has returned.
func putPipeBuffers(free chan []byte) {
	for {
		select {
		case b := <-free:
			putPipeBuffer(b)
		default:
			return
		}
	}
}

// putPipeBuffer puts b back in the pool if it is full-sized.
func putPipeBuffer(b []byte) {
	if cap(b) == pipeChunkSize {
		b = b[:pipeChunkSize]
		pipeBufferPool.Put(&b)
	}
}

// pointChunk is what inflatePoints hands over: inflated point data
// (whole values), or, last, nil or the error that ended the member.
type pointChunk struct {
	b    []byte
	err  error
	last bool
}

// inflatePoints reads the n values of bpv bytes of point data member f
// from rc into buffers of bufLen bytes, taken from free or, while fewer
// than pipeBuffers are out, made when free has none, and sends each on
// chunks, then
// checks that rc ends there. Its last message, sent just before it
// returns, carries nil or the error met, a fault reading the mapped
// archive among them (guard, catchFault).
func inflatePoints(rc io.Reader, f *zip.File, n, bpv, bufLen int, free <-chan []byte, chunks chan<- pointChunk, guard func() func(), head *splitHead) {
	var err error
	defer func() {
		if err != nil { // a fault reading the mapped archive
			chunks <- pointChunk{err: err, last: true}
		}
	}()
	defer guard()()
	defer catchFault(&err)
	made := 0
	for i := 0; i < n; {
		var b []byte
		select {
		case b = <-free:
		default:
			if made < pipeBuffers {
				b = getPipeBuffer(bufLen)
				made++
			} else {
				b = <-free
			}
		}
		k := min(n-i, len(b)/bpv)
		b = b[:k*bpv]
		got, err := io.ReadFull(rc, b)
		if err != nil && head != nil { // the head's end: its whole values, and what is left
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				head.err = err
			}
			whole := got / bpv * bpv
			head.n, head.rem = i*bpv+got, bytes.Clone(b[whole:got])
			chunks <- pointChunk{b: b[:whole]}
			chunks <- pointChunk{last: true}
			return
		}
		if err != nil {
			chunks <- pointChunk{err: memberErr(f, fmt.Sprintf("point data (at value %d)", i), err), last: true}
			return
		}
		chunks <- pointChunk{b: b}
		i += k
	}
	if head != nil { // all there: not a head
		head.n = n * bpv
		chunks <- pointChunk{last: true}
		return
	}
	chunks <- pointChunk{err: finishEntry(rc, f, "point data"), last: true}
}

// checkInflates inflates member f to the end without keeping it and
// returns an error unless it holds exactly size bytes (and its CRC-32
// matches).
func (a *archive) checkInflates(f *zip.File, size int64) error {
	rc, err := a.openEntry(f, size, "point data")
	if err != nil {
		return err
	}
	defer rc.Close()
	got, err := io.Copy(io.Discard, io.LimitReader(rc, size))
	if err != nil {
		return memberErr(f, "point data", err)
	}
	if got < size {
		return memberErr(f, fmt.Sprintf("point data (%d of %d bytes)", got, size), io.ErrUnexpectedEOF)
	}
	return finishEntry(rc, f, "point data")
}

// readValid reads the valid-point bitmap member f and sets the pixels it
// marks invalid to NaN. Bit i%8 (least significant first) of byte i/8 is
// point i, in the order of the point data; 1 means valid.
func (a *archive) readValid(f *zip.File, h *header, m *geometry.HeightMap) error {
	n := h.cols * h.rows
	b, err := a.readAll(f, (n+7)/8, "valid-point bitmap")
	if err != nil {
		return err
	}
	if h.validMD5 != nil {
		if got := md5.Sum(b); !bytes.Equal(got[:], h.validMD5) {
			return formatErr("valid-point bitmap MD5 mismatch: main.xml says %x, %s has %x", h.validMD5, f.Name, got)
		}
	}
	nan := math.NaN()
	for i := range n {
		if b[i>>3]&(1<<(i&7)) == 0 {
			m.Z[i] = nan
		}
	}
	return nil
}

// newMap allocates the map described by a checked header.
// newMap returns the map of header h holding z (len cols·rows), or, with z
// nil, all NaN.
func newMap(h *header, z []float64) *geometry.HeightMap {
	c := h.config()
	m := geometry.New(0, 0, c.Pitch)
	if z == nil {
		m = geometry.New(h.cols, h.rows, c.Pitch)
	} else {
		m.Z, m.Stride, m.Rect = z, h.cols, image.Rect(0, 0, h.cols, h.rows)
	}
	m.Offset = c.Offset
	return m
}

// growStep is how many heights are allocated before data arrives.
const growStep = 1 << 16

// converter returns a function that converts little-endian raw Z values
// of the axis' data type to heights in µm: (offset + increment·raw) in
// metres, times 1e6. Non-finite results are NaN (invalid).
func converter(cz axis) func(dst []float64, src []byte) {
	inc, off := cz.increment, cz.offset
	le := binary.LittleEndian
	switch cz.dataType {
	case "D":
		return func(dst []float64, src []byte) {
			for i := range dst {
				dst[i] = finite((off + inc*math.Float64frombits(le.Uint64(src[8*i:]))) * umPerM)
			}
		}
	case "F":
		return func(dst []float64, src []byte) {
			for i := range dst {
				dst[i] = finite((off + inc*float64(math.Float32frombits(le.Uint32(src[4*i:])))) * umPerM)
			}
		}
	case "L":
		return func(dst []float64, src []byte) {
			for i := range dst {
				dst[i] = finite((off + inc*float64(int32(le.Uint32(src[4*i:])))) * umPerM)
			}
		}
	default: // "I"
		return func(dst []float64, src []byte) {
			for i := range dst {
				dst[i] = finite((off + inc*float64(int16(le.Uint16(src[2*i:])))) * umPerM)
			}
		}
	}
}

// finite returns z, or NaN if z is infinite.
func finite(z float64) float64 {
	if math.IsInf(z, 0) {
		return math.NaN()
	}
	return z
}
