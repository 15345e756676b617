// Package service is the station service of SPEC §14: the analysis of
// package ferrule offered over HTTP to test stations written in C#,
// LabVIEW, Python or anything else with an HTTP client, and a watch folder
// that analyses the files an instrument drops into it.
//
// # HTTP API
//
// POST /v1/analyze takes one height map as the request body (raw bytes, or
// a multipart/form-data part named "file") and the analysis options as
// query parameters named like the flags of mtgeo analyze with '-' written
// '_' (layout, spec, fixture_angle, multimode, fit_radius, ...), plus the
// measurement's lot, station, operator, serial and filename. It answers 200
// with the SPEC §8 report, byte for byte what mtgeo analyze --format json
// prints for a file of that name, graded when spec is given; 400 for an
// unknown, repeated or invalid parameter, 422 for a file that cannot be
// read, analysed or graded, 413 for a body above the size limit, 503 with
// Retry-After when the analysis slots and the queue are full, 504 when an
// analysis outlives its time limit, 500 for an internal error. Every error
// body is {"error": "..."} with the text the CLI prints for the same file
// and options, the file's name being the filename parameter (or the
// multipart part's file name, else "upload"). The format of an upload is
// recognised from its content alone.
//
// Request parameters never name files on the server: layout and spec take
// built-in names (or auto) only; layout or profile files are given to the
// service at start and apply when a request does not say otherwise.
// Uploaded bytes are decoded in memory and never written anywhere.
//
// GET /v1/measurements and /v1/measurements/{id} read the results store
// (SPEC §13) when one is configured; GET /v1/specs and /v1/layouts list
// the built-in profiles and layouts; /healthz, /metrics (Prometheus text
// format) and /openapi.json (the OpenAPI 3.1 document of this API) complete
// it.
//
// # Bounds
//
// At most Workers analyses run at once and at most Queue requests wait for
// one; a request's body is read only once it holds an analysis slot, so the
// memory held for uploads is bounded by Workers × MaxBody (twice that while
// the buffer of a body sent without a length grows; plus the decoded maps),
// however many clients post at once. A body declared larger than
// MaxBody is refused before it is read; one that turns out larger is cut at
// MaxBody + 1 bytes. An analysis that outlives AnalysisTimeout is answered
// 504 and left to finish (the analysis cannot be interrupted) while it
// keeps its slot, so the time limit never lets more analyses run than
// Workers; its result is still stored.
//
// # Watch folder
//
// Server.Watch analyses the files an instrument drops into a folder, with
// the service's default options, and moves each to done/ (beside its
// report NAME.json) or failed/ (beside NAME.error.txt), in an order that
// makes a restart after a crash at any point neither lose a file nor
// analyse again one whose result was written.
//
// # Units and conventions
//
// Reports carry the units of SPEC §8 in their keys (µm, nm, mm, degrees).
// Durations in metrics are seconds; sizes are bytes. Times in the API are
// RFC 3339.
package service
