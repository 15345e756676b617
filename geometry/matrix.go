package geometry

import "gonum.org/v1/gonum/mat"

// Matrix returns m as a gonum mat.Matrix sharing its pixels: element (i, j)
// is pixel (Rect.Min.X+j, Rect.Min.Y+i), so Dims is (rows, cols). NaN
// pixels stay NaN.
func (m *HeightMap) Matrix() mat.Matrix { return matrix{m} }

type matrix struct{ m *HeightMap }

func (a matrix) Dims() (r, c int) { return a.m.Rect.Dy(), a.m.Rect.Dx() }

func (a matrix) At(i, j int) float64 {
	if i < 0 || j < 0 || i >= a.m.Rect.Dy() || j >= a.m.Rect.Dx() {
		panic(mat.ErrIndexOutOfRange)
	}
	return a.m.Z[i*a.m.Stride+j]
}

func (a matrix) T() mat.Matrix { return mat.Transpose{Matrix: a} }
