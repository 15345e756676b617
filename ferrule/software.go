package ferrule

import (
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
)

// Version is the release of this module. A build of a tagged module version
// reports that tag instead; a build from a VCS checkout adds the revision.
const Version = "0.5.0"

// Software identifies the program that made a report (SPEC §8), so that
// every stored result can be traced to the code that computed it.
type Software struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Revision is the VCS revision the binary was built from ("-dirty" when
	// the working tree had changes); empty when the build does not say
	// (go run, go test).
	Revision string `json:"revision"`
}

var (
	softwareOnce sync.Once
	software     Software
)

// ThisSoftware returns the name, version and revision of the running
// program, from its build information.
func ThisSoftware() Software {
	softwareOnce.Do(func() {
		software = Software{Name: "mtgeo", Version: Version}
		bi, ok := debug.ReadBuildInfo()
		if !ok {
			return
		}
		for _, m := range append([]*debug.Module{&bi.Main}, bi.Deps...) {
			if m.Path == "github.com/mtgeo/mtgeo" && tagged(m.Version) {
				software.Version = m.Version
			}
		}
		var dirty bool
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				software.Revision = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && software.Revision != "" {
			software.Revision += "-dirty"
		}
	})
	return software
}

// pseudo matches the timestamp and revision of a Go pseudo-version
// (v0.0.0-20261201124822-7062e4a69233): a build of a commit, not a release.
var pseudo = regexp.MustCompile(`\d{14}-[0-9a-f]{12}`)

// tagged reports whether v is a released module version.
func tagged(v string) bool {
	return v != "" && v != "(devel)" && !pseudo.MatchString(v) && !strings.Contains(v, "+dirty")
}
