package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/mtgeo/mtgeo/ferrule"
)

// runSpecs lists the built-in spec profiles, or prints one as JSON.
func runSpecs(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("specs", "[show NAME|FILE]", stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return parseStatus(err)
	}
	switch {
	case len(pos) == 0:
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tPOLISH\tLAYOUTS\tLIMITS")
		for _, p := range ferrule.Profiles() {
			fmt.Fprintf(tw, "%s\t%s\t%v\t%d\n", p.Name, p.Polish, p.Layouts, len(p.Limits))
		}
		tw.Flush()
		return exitOK
	case len(pos) == 2 && pos[0] == "show":
		p, err := ferrule.LoadProfile(pos[1])
		if err != nil {
			fmt.Fprintln(stderr, "mtgeo specs:", err)
			return exitError
		}
		b, err := json.MarshalIndent(p, "", "  ")
		if err != nil {
			fmt.Fprintln(stderr, "mtgeo specs:", err)
			return exitError
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return exitOK
	}
	fs.Usage()
	return exitError
}
