package x3p

import (
	"bytes"

	"github.com/mtgeo/mtgeo/geometry"
)

func init() {
	geometry.RegisterFormat(geometry.Format{
		Name:         "x3p",
		Extensions:   []string{".x3p"},
		Match:        match,
		Decode:       Decode,
		DecodeConfig: DecodeConfig,
	})
}

// match accepts a zip archive (local file header "PK\x03\x04") unless the
// first member's name, when it fits in head, shows another kind of zip
// (an X3P starts with main.xml, md5checksum.hex or a data folder; a
// writer may put everything under one top folder, so only names of other
// well-known zip formats are refused).
func match(head []byte) bool {
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return false
	}
	// Local file header: name length at offset 26 (2 bytes LE), name at 30.
	if len(head) < 30 {
		return true
	}
	n := int(head[26]) | int(head[27])<<8
	if len(head) < 30+n {
		return true
	}
	name := string(head[30 : 30+n])
	for _, other := range []string{"mimetype", "[Content_Types].xml", "META-INF/", "AndroidManifest.xml"} {
		if name == other || (other[len(other)-1] == '/' && bytes.HasPrefix([]byte(name), []byte(other))) {
			return false
		}
	}
	return true
}
