package render_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/ferrule/render"
	"github.com/mtgeo/mtgeo/geometry"
	_ "github.com/mtgeo/mtgeo/geometry/formats"
)

// Analyse the bundled 16-fiber end face and draw it as an 800-pixel-wide
// PNG; the height follows from the map's extent in the ferrule frame, so
// that X and Y have the same µm scale.
func ExampleWriteEndFace() {
	m, _, err := geometry.ReadFile("../../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := render.WriteEndFace(&buf, "png", m, rep, render.Options{Width: 800}); err != nil {
		log.Fatal(err)
	}
	c, err := png.DecodeConfig(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("PNG %d×%d px\n", c.Width, c.Height)
	// Output:
	// PNG 800×278 px
}

// A Figure has a nominal size in points and rasterises at any width; the
// default is 96 dpi at the nominal size.
func ExampleEndFace() {
	m, _, err := geometry.ReadFile("../../testdata/mt16.x3p", nil)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := ferrule.Analyze(m, ferrule.Options{})
	if err != nil {
		log.Fatal(err)
	}
	f, err := render.EndFace(m, rep, render.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("nominal %.0f×%.0f pt\n", float64(f.Width), float64(f.Height))
	fmt.Println("image bounds", f.Image(400).Bounds())
	// Output:
	// nominal 1200×417 pt
	// image bounds (0,0)-(400,139)
}
