// Command mtgeo analyses MT-ferrule end-face height maps.
//
// Usage:
//
//	mtgeo info FILE...                     header and height statistics, one JSON line per file
//	mtgeo analyze [flags] FILE...          geometry of each end face (SPEC §8 JSON or a text table)
//	mtgeo synth [flags] -o OUT.x3p         write a synthetic end face and its truth
//	mtgeo convert IN OUT.x3p               write any readable height map as X3P
//	mtgeo specs [show NAME|FILE]           list the built-in spec profiles, or print one
//	mtgeo batch [flags] DIR|FILE...        grade every height map found; CSV, JSONL and summary into --out
//	mtgeo render FILE [-o OUT.png|.svg]    the end face as a picture (and --chart, --tiles)
//	mtgeo report -o DIR FILE...            one self-contained HTML page per ferrule, and one for the lot
//
// Run "mtgeo COMMAND -h" for the flags of a command.
//
// Exit status: 0 when every file was processed (and passed grading, when a
// spec is given), 1 when a file failed grading, 2 when a file could not be
// read or analysed, or the command line was wrong.
package main

import (
	"fmt"
	"io"
	"os"
)

const (
	exitOK    = 0
	exitFail  = 1
	exitError = 2
)

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"info", "header and height statistics of height-map files", runInfo},
		{"analyze", "measure MT end faces (JSON or text report)", runAnalyze},
		{"synth", "write a synthetic MT end face as X3P with its truth as JSON", runSynth},
		{"convert", "convert a height map to X3P", runConvert},
		{"specs", "list the built-in spec profiles, or show one", runSpecs},
		{"batch", "analyse and grade folders: CSV tables, JSONL, yield and Cpk", runBatch},
		{"render", "draw an end face (PNG/SVG), its fiber-height chart and tip close-ups", runRender},
		{"report", "HTML report pages per ferrule and for the lot", runReport},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitError
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mtgeo: unknown command %q\n", args[0])
	usage(stderr)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: mtgeo COMMAND [flags] [FILE...]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'mtgeo COMMAND -h' for a command's flags.")
}
