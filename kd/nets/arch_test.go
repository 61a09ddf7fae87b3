package nets

import (
	"slices"
	"strings"
	"testing"
)

// TestFromArchitectureRoundTrip rebuilds the default teacher and student, and variants, from their descriptions.
func TestFromArchitectureRoundTrip(t *testing.T) {
	configs := []*Config{Teacher(), Student(), NewConfig().Levels(3).BaseWidth(4).Conv(ConvSeparable).Stem(2),
		NewConfig().Levels(1).BaseWidth(3).Norm(NormInstance, 1).InputChannels(3).Classes(3),
		NewConfig().Levels(3).BaseWidth(6).WidthMultiplier(1.5).Norm(NormBatch, 0)}
	for _, c := range configs {
		got, err := FromArchitecture(c.Architecture())
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if got.String() != c.String() || got.ParamCount() != c.ParamCount() ||
			!slices.Equal(got.Widths(), c.Widths()) || got.Architecture().Groups != c.Architecture().Groups {
			t.Errorf("rebuilt %s (%d parameters), want %s (%d)", got, got.ParamCount(), c, c.ParamCount())
		}
	}
}

// TestFromArchitectureErrors checks that malformed descriptions are refused with the faulty field named.
func TestFromArchitectureErrors(t *testing.T) {
	base := Student().Architecture()
	cases := map[string]func(a *Architecture){
		"widths":      func(a *Architecture) { a.Widths = []int{8, 16} },
		"convolution": func(a *Architecture) { a.Conv = "dilated" },
		"normalis":    func(a *Architecture) { a.Norm = "layer" },
		"multiplier":  func(a *Architecture) { a.Widths = []int{8, 16, 24, 64} },
		"classes":     func(a *Architecture) { a.Classes = 0 },
	}
	for want, mutate := range cases {
		a := base
		a.Widths = slices.Clone(base.Widths)
		mutate(&a)
		if _, err := FromArchitecture(a); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one mentioning %q", want, err, want)
		}
	}
}
