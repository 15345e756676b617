package plu

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"

	"github.com/mtgeo/mtgeo/geometry"
	"gonum.org/v1/gonum/spatial/r2"
)

// Format names under which the package registers its two variants.
const (
	NamePLU  = "plu"  // binary .plu (SensoSCAN, PLu 2300/Neox classic)
	NamePLUX = "plux" // zip archive .plux (SensoSCAN 6+, S neox)
)

// zipMagic starts a zip archive: the signature of a local file header.
const zipMagic = "PK\x03\x04"

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         NamePLU,
		Extensions:   []string{".plu", ".apx"},
		Match:        matchPLU,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
	geometry.RegisterFormat(geometry.Format{
		Name:         NamePLUX,
		Extensions:   []string{".plux"},
		Match:        matchPLUX,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

func formatErr(format string, a ...any) error {
	return fmt.Errorf("plu: %w", geometry.FormatError(fmt.Sprintf(format, a...)))
}

func unsupportedErr(format string, a ...any) error {
	return fmt.Errorf("plu: %w", geometry.UnsupportedError(fmt.Sprintf(format, a...)))
}

// channel returns the layer that opts selects, 0 by default.
func channel(opts *geometry.Options) (int, error) {
	if opts == nil {
		return 0, nil
	}
	if opts.Channel < 0 {
		return 0, fmt.Errorf("plu: channel %d requested", opts.Channel)
	}
	return opts.Channel, nil
}

// isZip reports whether r starts with a zip local file header, and returns
// a reader that still yields the whole input: r itself, rewound, when it
// can seek (so that the zip reader can use it in place), otherwise a
// buffered reader.
func isZip(r io.Reader) (bool, io.Reader, error) {
	var head [len(zipMagic)]byte
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			n, err := io.ReadFull(rs, head[:])
			if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
				return false, nil, fmt.Errorf("plu: reading: %w", err)
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return false, nil, fmt.Errorf("plu: rewinding: %w", err)
			}
			return string(head[:n]) == zipMagic, rs, nil
		}
	}
	br := bufio.NewReader(r)
	b, err := br.Peek(len(zipMagic))
	if err != nil && err != io.EOF {
		return false, nil, fmt.Errorf("plu: reading: %w", err)
	}
	return bytes.Equal(b, []byte(zipMagic)), br, nil
}

// Decode reads a Sensofar .plu or .plux file, told apart by content (a
// .plux is a zip archive), and returns the height layer opts.Channel
// selects (0, the first, by default) in µm, invalid points NaN. opts may
// be nil; opts.Pitch is used only when the file's pixel size is unusable
// (zero, not finite, over geometry.MaxPitch).
func Decode(r io.Reader, opts *geometry.Options) (*geometry.HeightMap, error) {
	zip, r, err := isZip(r)
	if err != nil {
		return nil, err
	}
	if zip {
		return decodePLUX(r, opts)
	}
	return decodePLU(r, opts)
}

// DecodeConfig reads the size and pixel size of the layer opts.Channel
// selects, without its heights. Format is "plu" or "plux".
func DecodeConfig(r io.Reader, opts *geometry.Options) (geometry.Config, error) {
	zip, r, err := isZip(r)
	if err != nil {
		return geometry.Config{}, err
	}
	if zip {
		return configPLUX(r, opts)
	}
	return configPLU(r, opts)
}

// pitch checks a pixel size p read from a file, µm. A negative component
// is taken by magnitude (Gwyddion does the same) and reported in warn; a
// pixel size geometry.CheckPitch refuses (zero, not finite, over
// geometry.MaxPitch) is replaced by opts.Pitch when that is set.
func pitch(p r2.Vec, opts *geometry.Options, what string) (r2.Vec, []string, error) {
	var warn []string
	if p.X < 0 || p.Y < 0 {
		warn = append(warn, fmt.Sprintf("negative %s %g×%g µm read as %g×%g µm", what, p.X, p.Y, math.Abs(p.X), math.Abs(p.Y)))
		p = r2.Vec{X: math.Abs(p.X), Y: math.Abs(p.Y)}
	}
	err := geometry.CheckPitch(p)
	if err != nil && opts != nil && opts.Pitch != (r2.Vec{}) {
		if err := geometry.CheckPitch(opts.Pitch); err != nil {
			return r2.Vec{}, nil, fmt.Errorf("plu: Options.Pitch: %w", err)
		}
		return opts.Pitch, append(warn, fmt.Sprintf("%s %g×%g µm replaced by Options.Pitch", what, p.X, p.Y)), nil
	}
	if err != nil {
		return r2.Vec{}, nil, fmt.Errorf("plu: %s: %w", what, err)
	}
	return p, warn, nil
}

// float32s converts little-endian float32 heights (µm) in src to dst,
// making NaN of ±Inf and of the value bad (NaN itself for none).
func float32s(dst []float64, src []byte, bad float32) {
	if len(dst) == 0 {
		return
	}
	_ = src[4*len(dst)-1]
	for i := range dst {
		u := uint32(src[4*i]) | uint32(src[4*i+1])<<8 | uint32(src[4*i+2])<<16 | uint32(src[4*i+3])<<24
		if u&0x7f800000 == 0x7f800000 { // NaN or ±Inf
			dst[i] = math.NaN()
			continue
		}
		v := math.Float32frombits(u)
		if v == bad {
			dst[i] = math.NaN()
			continue
		}
		dst[i] = float64(v)
	}
}

// chunk is how many bytes readFloat32s converts at a time.
const chunk = 64 << 10

// readFloat32s fills dst from the next 4·len(dst) bytes of r, converted as
// float32s does, through a buffer of chunk bytes. The caller has made sure
// that r holds them (a size checked against the data present), so that
// dst was not allocated on the word of a header alone.
func readFloat32s(dst []float64, r io.Reader, bad float32) error {
	buf := make([]byte, min(chunk, 4*len(dst)))
	for i := 0; i < len(dst); {
		k := min(len(dst)-i, len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*k]); err != nil {
			return geometry.UnexpectedEOF(err)
		}
		float32s(dst[i:i+k], buf[:4*k], bad)
		i += k
	}
	return nil
}

// remaining returns how many bytes r holds after its current position,
// or −1 if r cannot tell (it is not an io.Seeker).
func remaining(r io.Reader) int64 {
	s, ok := r.(io.Seeker)
	if !ok {
		return -1
	}
	cur, err1 := s.Seek(0, io.SeekCurrent)
	end, err2 := s.Seek(0, io.SeekEnd)
	_, err3 := s.Seek(cur, io.SeekStart)
	if err1 != nil || err2 != nil || err3 != nil || end < cur {
		return -1
	}
	return end - cur
}
