package plu

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Limits of the .plux reader.
const (
	// MaxArchiveSize is the largest .plux archive, in bytes, read into
	// memory from an io.Reader that is not an io.ReaderAt (an *os.File or
	// *bytes.Reader is read in place): a MaxPixels layer of float32
	// heights, its RGB image and 64 MiB for the rest.
	MaxArchiveSize = geometry.MaxPixels*(4+3) + 64<<20

	// MaxIndexSize is the largest index.xml, in bytes (uncompressed).
	MaxIndexSize = 16 << 20

	maxXMLDepth = 64
	maxFieldLen = 4096
	// maxDeflateRatio bounds how far deflate can expand data: 258 bytes
	// from about 2 bits (RFC 1951 length codes).
	maxDeflateRatio = 1032
)

const indexName = "index.xml"

// isLayerName reports whether name is that of a Sensofar layer member,
// LAYER_n.raw or LAYER_n.stack.raw.
func isLayerName(name string) bool {
	rest, ok := strings.CutPrefix(name, "LAYER_")
	if !ok {
		return false
	}
	digits, ok := strings.CutSuffix(rest, ".raw")
	if !ok {
		return false
	}
	digits = strings.TrimSuffix(digits, ".stack")
	return digits != "" && strings.Trim(digits, "0123456789") == ""
}

// cleanName normalises a member name: forward slashes, no leading "./"
// or "/".
func cleanName(s string) string {
	s = strings.ReplaceAll(s, "\\", "/")
	return strings.TrimPrefix(path.Clean("/"+s), "/")
}

// matchPLUX accepts a zip archive whose local file headers, as far as head
// shows them, include a Sensofar layer member (LAYER_n.raw,
// LAYER_n.stack.raw) or an index.xml whose visible text has the
// <IMAGE_SIZE_X> element of a PLUx index. Other zip formats (X3P with
// main.xml, office documents) have neither.
func matchPLUX(head []byte) bool {
	le := binary.LittleEndian
	for off := 0; off+30 <= len(head) && string(head[off:off+4]) == zipMagic; {
		flags := le.Uint16(head[off+6:])
		method := le.Uint16(head[off+8:])
		csize32 := le.Uint32(head[off+18:])
		unknown := flags&8 != 0 || csize32 == 0xffffffff // sizes follow the data, or zip64
		// Beyond head either way; clamped so that no int overflows (32-bit).
		csize := int(min(uint64(csize32), uint64(len(head))))
		nlen := int(le.Uint16(head[off+26:]))
		xlen := int(le.Uint16(head[off+28:]))
		data := off + 30 + nlen + xlen
		if off+30+nlen > len(head) {
			return false
		}
		name := cleanName(string(head[off+30 : off+30+nlen]))
		if isLayerName(name) {
			return true
		}
		if name == indexName && data <= len(head) {
			end := data + csize
			if unknown || end < data || end > len(head) {
				end = len(head) // size unknown here, or data cut by head
			}
			return indexLooksPLUX(head[data:end], method)
		}
		if unknown {
			return false // cannot go on
		}
		off = data + csize
	}
	return false
}

// indexLooksPLUX reports whether the visible part b of index.xml, stored
// or deflated, contains <IMAGE_SIZE_X>.
func indexLooksPLUX(b []byte, method uint16) bool {
	const tag = "<IMAGE_SIZE_X>"
	switch method {
	case zip.Store:
		return bytes.Contains(b, []byte(tag))
	case zip.Deflate:
		var out bytes.Buffer
		_, _ = io.Copy(&out, io.LimitReader(flate.NewReader(bytes.NewReader(b)), 1<<16))
		return bytes.Contains(out.Bytes(), []byte(tag))
	}
	return false
}

// index is what the decoder uses of index.xml.
type index struct {
	fields map[string]string // GENERAL/… text by element name
	layers []string          // FILENAME_Z of each LAYER_n, in document order
	names  []string          // the LAYER_n element of each
}

// parseIndex reads index.xml: the GENERAL fields and the FILENAME_Z of the
// LAYER_n elements under the root element.
func parseIndex(doc []byte) (*index, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	ix := &index{fields: map[string]string{}}
	var stack []string
	var text strings.Builder
	layerZ := map[string]string{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, formatErr("index.xml: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxXMLDepth {
				return nil, formatErr("index.xml nests deeper than %d elements", maxXMLDepth)
			}
			stack = append(stack, t.Name.Local)
			text.Reset()
			if len(stack) == 2 && isLayerElement(t.Name.Local) {
				if _, dup := layerZ[t.Name.Local]; !dup {
					layerZ[t.Name.Local] = ""
					ix.names = append(ix.names, t.Name.Local)
				}
			}
		case xml.CharData:
			if text.Len()+len(t) <= maxFieldLen {
				text.Write(t)
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, formatErr("index.xml: unbalanced </%s>", t.Name.Local)
			}
			if len(stack) == 3 {
				v := strings.TrimSpace(text.String())
				switch {
				case stack[1] == "GENERAL":
					ix.fields[stack[2]] = v
				case isLayerElement(stack[1]) && stack[2] == "FILENAME_Z" && v != "":
					layerZ[stack[1]] = v
				}
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	for _, n := range ix.names {
		if z := layerZ[n]; z != "" {
			ix.layers = append(ix.layers, z)
		}
	}
	return ix, nil
}

func isLayerElement(name string) bool {
	digits, ok := strings.CutPrefix(name, "LAYER_")
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// archive is an opened .plux.
type archive struct {
	zr   *zip.Reader
	size int64
}

func openArchive(r io.Reader) (*archive, error) {
	ra, size, err := geometry.ReaderAt(r, MaxArchiveSize)
	if err != nil {
		return nil, fmt.Errorf("plu: reading archive: %w", err)
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !(errors.Is(err, zip.ErrInsecurePath) && zr != nil) {
		return nil, fmt.Errorf("plu: %w: %w (%w)", geometry.FormatError("truncated or damaged zip archive"), io.ErrUnexpectedEOF, err)
	}
	return &archive{zr: zr, size: size}, nil
}

// find returns the member called name (compared after cleanName, then
// ignoring case), or nil.
func (a *archive) find(name string) *zip.File {
	want := cleanName(name)
	for _, eq := range []func(a, b string) bool{func(a, b string) bool { return a == b }, strings.EqualFold} {
		for _, f := range a.zr.File {
			if !strings.HasSuffix(f.Name, "/") && eq(cleanName(f.Name), want) {
				return f
			}
		}
	}
	return nil
}

// open opens member f after checking that its compressed data lie inside
// the archive and could expand to its declared size, so that no size from
// the zip directory is trusted beyond the bytes present.
func (a *archive) open(f *zip.File) (io.ReadCloser, error) {
	off, err := f.DataOffset()
	if err != nil {
		return nil, fmt.Errorf("plu: %w: %s: %w", geometry.FormatError("damaged zip member"), f.Name, geometry.UnexpectedEOF(err))
	}
	comp, full := f.CompressedSize64, f.UncompressedSize64
	if off < 0 || comp > uint64(a.size) || uint64(off) > uint64(a.size)-comp {
		return nil, fmt.Errorf("plu: %w: %s ends past the end of the archive: %w", geometry.FormatError("truncated zip member"), f.Name, io.ErrUnexpectedEOF)
	}
	switch f.Method {
	case zip.Store:
		if comp != full {
			return nil, formatErr("stored member %s of %d bytes declares %d", f.Name, comp, full)
		}
	case zip.Deflate:
		if full/maxDeflateRatio > comp+4 {
			return nil, formatErr("member %s: %d compressed bytes cannot hold %d", f.Name, comp, full)
		}
	}
	rc, err := f.Open()
	if err != nil {
		if errors.Is(err, zip.ErrAlgorithm) {
			return nil, unsupportedErr("member %s: zip compression method %d", f.Name, f.Method)
		}
		return nil, fmt.Errorf("plu: opening %s: %w", f.Name, geometry.UnexpectedEOF(err))
	}
	return rc, nil
}

// memberErr describes err, met reading member f: a CRC mismatch, corrupt
// deflate data or a damaged zip structure is a FormatError, an early end
// io.ErrUnexpectedEOF.
func memberErr(f *zip.File, err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return formatErr("member %s: CRC-32 mismatch", f.Name)
	case errors.As(err, &ce), errors.Is(err, zip.ErrFormat):
		return fmt.Errorf("plu: %w: %s: %v", geometry.FormatError("damaged zip member"), f.Name, err)
	}
	return fmt.Errorf("plu: reading %s: %w", f.Name, geometry.UnexpectedEOF(err))
}

// drain reads rc to its end, which makes archive/zip check the CRC.
func drain(rc io.Reader, f *zip.File) error {
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return memberErr(f, err)
	}
	return nil
}

// readAll reads the whole of member f, of at most MaxIndexSize bytes.
func (a *archive) readAll(f *zip.File) ([]byte, error) {
	rc, err := a.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := geometry.ReadFull(rc, int(f.UncompressedSize64))
	if err != nil {
		return nil, memberErr(f, err)
	}
	return b, drain(rc, f)
}

// plux is an opened archive with its index and selected layer.
type plux struct {
	a          *archive
	cols, rows int
	pitch      r2.Vec
	warn       []string
	layer      *zip.File
	ch         int
}

func openPLUX(r io.Reader, opts *geometry.Options) (*plux, error) {
	ch, err := channel(opts)
	if err != nil {
		return nil, err
	}
	a, err := openArchive(r)
	if err != nil {
		return nil, err
	}
	f := a.find(indexName)
	if f == nil {
		return nil, formatErr("no index.xml in the archive: not a Sensofar PLUx file")
	}
	if f.UncompressedSize64 > MaxIndexSize {
		return nil, formatErr("index.xml is %d bytes (limit %d)", f.UncompressedSize64, MaxIndexSize)
	}
	text, err := a.readAll(f)
	if err != nil {
		return nil, err
	}
	ix, err := parseIndex(bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))) // UTF-8 BOM
	if err != nil {
		return nil, err
	}

	p := &plux{a: a, ch: ch}
	get := func(name string) (string, error) {
		v, ok := ix.fields[name]
		if !ok {
			return "", formatErr("index.xml has no GENERAL/%s: not a Sensofar PLUx index", name)
		}
		return v, nil
	}
	for _, s := range []struct {
		name string
		dst  *int
	}{{"IMAGE_SIZE_X", &p.cols}, {"IMAGE_SIZE_Y", &p.rows}} {
		v, err := get(s.name)
		if err != nil {
			return nil, err
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, formatErr("GENERAL/%s %q is not a size", s.name, trunc(v))
		}
		*s.dst = int(min(n, geometry.MaxPixels+1)) // CheckSize reports the excess
	}
	if err := geometry.CheckSize(p.cols, p.rows); err != nil {
		return nil, fmt.Errorf("plu: index.xml: %w", err)
	}
	var mpp r2.Vec
	for _, s := range []struct {
		name string
		dst  *float64
	}{{"FOV_X", &mpp.X}, {"FOV_Y", &mpp.Y}} {
		v, err := get(s.name)
		if err != nil {
			return nil, err
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, formatErr("GENERAL/%s %q is not a number", s.name, trunc(v))
		}
		*s.dst = x
	}
	if p.pitch, p.warn, err = pitch(mpp, opts, "pixel size FOV_X×FOV_Y"); err != nil {
		return nil, err
	}
	if len(ix.layers) == 0 {
		return nil, formatErr("index.xml names no layer (LAYER_n/FILENAME_Z)")
	}
	if ch >= len(ix.layers) {
		return nil, fmt.Errorf("plu: channel %d requested, the file has %d layers", ch, len(ix.layers))
	}
	if p.layer = a.find(ix.layers[ch]); p.layer == nil {
		return nil, formatErr("layer member %q named by index.xml is not in the archive", trunc(ix.layers[ch]))
	}
	return p, nil
}

func trunc(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

func configPLUX(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	p, err := openPLUX(r, opts)
	if err != nil {
		return geometry.Config{}, err
	}
	return geometry.Config{Format: NamePLUX, Cols: p.cols, Rows: p.rows, Pitch: p.pitch}, nil
}

func decodePLUX(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	p, err := openPLUX(r, opts)
	if err != nil {
		return nil, err
	}
	f := p.layer
	need := 4 * p.cols * p.rows
	if f.UncompressedSize64 < uint64(need) {
		return nil, formatErr("%s holds %d bytes, %d×%d float32 heights need %d", f.Name, f.UncompressedSize64, p.cols, p.rows, need)
	}
	rc, err := p.a.open(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// open checked that the member's bytes are in the archive and can
	// hold its declared size, so the map is allocated before reading.
	m := geometry.New(p.cols, p.rows, p.pitch)
	if err := readFloat32s(m.Z, rc, float32(math.NaN())); err != nil { // no marker: NaN is never equal
		return nil, memberErr(f, err)
	}
	if err := drain(rc, f); err != nil {
		return nil, err
	}
	m.Warnings = p.warn
	if extra := f.UncompressedSize64 - uint64(need); extra > 0 {
		m.Warn("%s holds %d bytes more than %d×%d float32 heights; they are ignored", f.Name, extra, p.cols, p.rows)
	}
	return m, nil
}
