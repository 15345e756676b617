package ferrule_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/mtgeo/mtgeo/ferrule"
	"github.com/mtgeo/mtgeo/internal/synth"
	"github.com/stretchr/testify/require"
)

// TestPixelPitch: the analysis holds at the pitches of SPEC §1 (1–5 µm).
// Tolerances scale with the pitch where noise averaging does: fewer pixels
// per core disc (core dip) and per annulus (tip radius, centre).
func TestPixelPitch(t *testing.T) {
	for _, px := range []float64{2, 5} {
		t.Run(fmt.Sprintf("%gum", px), func(t *testing.T) {
			p := synth.Random("MT-32", 40+uint64(px))
			p.PixelUm = px
			m, truth, err := synth.Generate(p)
			require.NoError(t, err)
			rep, err := ferrule.Analyze(m, ferrule.Options{})
			require.NoError(t, err)
			require.Equal(t, "MT-32", rep.Layout)
			scale := math.Max(1, px/3)
			for i, ft := range truth.Fibers {
				f := rep.Fibers[i]
				require.InDelta(t, ft.HeightNm, float64(f.HeightNM), tolHeightNM*scale, "fiber %d", ft.Index)
				require.InDelta(t, ft.ApexHeightNm, float64(f.ApexHeightNM), tolHeightNM*scale, "fiber %d", ft.Index)
				require.InDelta(t, ft.CoreDipNm, float64(f.CoreDipNM), tolHeightNM*scale*scale, "fiber %d", ft.Index)
				require.InEpsilon(t, ft.RadiusMM, float64(f.RadiusMM), tolRadiusRel*scale, "fiber %d", ft.Index)
				require.Less(t, math.Hypot(float64(f.XUM)-ft.XUm, float64(f.YUM)-ft.YUm), tolCentreUM*scale, "fiber %d", ft.Index)
			}
			for k, h := range truth.GuideHoles {
				g := rep.GuideHoles[k]
				require.Less(t, math.Hypot(float64(g.MapXUM)-h.MapXUm, float64(g.MapYUM)-h.MapYUm), tolCentreUM*scale)
				require.InDelta(t, h.DiameterUm, float64(g.DiameterUM), tolHoleDiamUM*scale)
			}
		})
	}
}
