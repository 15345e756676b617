package main

import (
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/mtgeo/mtgeo/ferrule"
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
		{"db", "query a results database (--db): lots and yield, trends, Cpk/Ppk, CSV and AQDEF export", runDB},
		{"mate", "predict the insertion loss, contact and return loss of two mated end faces", runMate},
		{"render", "draw an end face (PNG/SVG), its fiber-height chart and tip close-ups", runRender},
		{"report", "HTML report pages per ferrule and for the lot", runReport},
		{"grr", "gauge R&R study (AIAG ANOVA) from a manifest of part, operator, trial, file", runGRR},
		{"reversal", "orientation reversal: the part's angles and the instrument's bias from A and B turned 180°", runReversal},
		{"sweep", "every summary result and the verdict over a range of region options", runSweep},
		{"serve", "the station service: analysis over HTTP (OpenAPI), a watch folder", runServe},
		{"version", "the program's version and VCS revision", runVersion},
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

func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: mtgeo version")
		return exitError
	}
	s := ferrule.ThisSoftware()
	rev := s.Revision
	if rev == "" {
		rev = "unknown revision"
	}
	fmt.Fprintf(stdout, "%s %s (%s, %s)\n", s.Name, s.Version, rev, runtime.Version())
	return exitOK
}
