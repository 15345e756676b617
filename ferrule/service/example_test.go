package service_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/batch"
	"github.com/mtgeo/mtgeo/ferrule/service"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// The service with one analysis option, spec (a built-in profile name),
// posting a bundled end face as a station would. mtgeo serve gives it
// the whole set of mtgeo analyze's flags instead.
func Example() {
	flags := func(fs *flag.FlagSet) func() (batch.Config, error) {
		spec := fs.String("spec", "", "spec profile")
		return func() (batch.Config, error) {
			var cfg batch.Config
			if *spec != "" {
				p, err := ferrule.LoadProfile(*spec)
				if err != nil {
					return cfg, err
				}
				cfg.Profile = p
			}
			return cfg, nil
		}
	}
	s, err := service.New(service.Config{Flags: flags, Workers: 2, Queue: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(s)
	defer ts.Close()

	data, err := os.ReadFile("../../testdata/mt16.x3p")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := http.Post(ts.URL+"/v1/analyze?spec=iec-style-pc-16&filename=mt16.x3p", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var rep ferrule.Report
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, rep.File, rep.Layout, len(rep.Fibers), "fibers, pass:", rep.Grade.Pass)

	resp, err = http.Post(ts.URL+"/v1/analyze?filename=junk.x3p", "application/octet-stream", bytes.NewReader([]byte("junk")))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	var e struct{ Error string }
	json.NewDecoder(resp.Body).Decode(&e)
	fmt.Println(resp.StatusCode, e.Error)
	// Output:
	// 200 mt16.x3p MT-16 16 fibers, pass: true
	// 422 junk.x3p: geometry: unknown height-map format
}
