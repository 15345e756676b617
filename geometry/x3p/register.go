package x3p

import (
	"strings"

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
// name of its first member, when head holds it, marks another well-known
// kind of zip (EPUB/ODF "mimetype", OOXML "[Content_Types].xml", JAR
// "META-INF/", Sensofar PLUx "index.xml" or "LAYER_n..."). Member names of X3P files vary (main.xml, md5checksum.hex,
// a data folder, or a top folder holding them all), so they are not
// required.
func match(head []byte) bool {
	if !strings.HasPrefix(string(head[:min(len(head), 4)]), "PK\x03\x04") {
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
	return name != "mimetype" && name != "[Content_Types].xml" && !strings.HasPrefix(name, "META-INF/") && name != "AndroidManifest.xml" &&
		name != "index.xml" && !strings.HasPrefix(name, "LAYER_")
}
