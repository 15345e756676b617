package service

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseQuery: any query string is either refused with an error or
// split into known analysis flags and measurement fields, never a panic;
// an accepted one builds a configuration or gives an error, never a panic.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		"", "layout=MT-16", "layout=auto&spec=auto&fixture_angle=8", "multimode", "multimode=false",
		"fit_radius=40&averaging_diameter=30", "lot=L1&station=S&operator=O&serial=123&filename=a.x3p",
		"layout=MT-16&layout=MT-12", "colour=red", "fixture_angle=NaN", "fit_radius=-1", "fit_radius=1e400",
		"spec=../../etc/passwd", "layout=x.json", "filename=%00", "lot=%ff%fe", "max_pixels=99999999999999999999",
		"%zz", "a=1;b=2", "=", "&&&", "spec=iec-style-pc-16",
	} {
		f.Add(seed)
	}
	s, err := New(Config{Flags: testFlags})
	if err != nil {
		f.Fatal(err)
	}
	// testFlags' flags, by flag name: written out, not taken from the
	// service, so that the check below is not the service's own.
	known := map[string]bool{"layout": true, "spec": true, "fixture-angle": true, "multimode": true,
		"fit-radius": true, "averaging-diameter": true, "max-pixels": true}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := s.parseQuery(q)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for name := range req.flags {
			if !known[name] {
				t.Fatalf("accepted unknown flag %q", name)
			}
		}
		if v, ok := req.flags["layout"]; ok && strings.ContainsAny(v, "/\\") {
			t.Fatalf("layout %q looks like a path and was accepted", v)
		}
		if v, ok := req.flags["spec"]; ok && strings.ContainsAny(v, "/\\") {
			t.Fatalf("spec %q looks like a path and was accepted", v)
		}
		s.buildConfig(req.flags) // an error is fine, a panic is not
	})
}

// FuzzMeasurementQuery: the measurement filters never panic and keep the
// limit in range.
func FuzzMeasurementQuery(f *testing.F) {
	for _, seed := range []string{"", "lot=L1&limit=5", "since=2026-01-02", "since=2026-01-02T10:00:00Z&until=x", "limit=0", "limit=-1", "limit=99999999", "x=1", "lot=a&lot=b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		mq, err := parseMeasurementQuery(q)
		if err == nil && (mq.Limit < 1 || mq.Limit > maxLimit) {
			t.Fatalf("limit %d accepted", mq.Limit)
		}
	})
}
