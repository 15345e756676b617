// Package render draws pictures and HTML reports of analysed MT end faces.
package render
