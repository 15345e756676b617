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
// Units are those of the SPEC §8 report, named in every key and column:
// heights in nm, lengths and positions in µm, radii in mm, angles in
// degrees; positions are in the ferrule frame unless the key starts with
// map_. Every command reads every format of geometry/formats, sniffed by
// content. JSON output is one object per line; CSV has a header row, '.'
// decimals and empty cells for values not measured.
//
// Exit status: 0 when every file was processed (and passed grading, when a
// spec is given), 1 when a file failed grading, 2 when a file could not be
// read or analysed, or the command line was wrong.
package main
