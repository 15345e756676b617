package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSmoke(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var x, y, z []float64
	s := Sphere{X0: 1253, Y0: -302, Z0: 2, R: 20000}
	for len(x) < 700 {
		px, py := rng.Float64()*100-50, rng.Float64()*100-50
		r := math.Hypot(px, py)
		if r < 10 || r > 50 {
			continue
		}
		x = append(x, 1250+px)
		y = append(y, -300+py)
		z = append(z, s.At(1250+px, -300+py))
	}
	got, err := SpherePoints(x, y, z)
	fmt.Printf("%+v %v\n", got, err)
	for i := range z {
		z[i] += 0.002 * rng.NormFloat64()
	}
	got, err = SpherePoints(x, y, z)
	fmt.Printf("%+v %v\n", got, err)
	var cx, cy []float64
	for i := 0; i < 600; i++ {
		a := float64(i) / 600 * math.Pi / 2
		cx = append(cx, -2300+350*math.Cos(a))
		cy = append(cy, 150+350*math.Sin(a))
	}
	c, err := CirclePoints(cx, cy)
	fmt.Printf("%+v %v\n", c, err)
}
