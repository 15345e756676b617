package main

import (
	"io"
)

func runSynth(args []string, stdout, stderr io.Writer) int { return exitError }
