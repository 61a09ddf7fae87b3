package experiment

import (
	"math"
	"strings"
	"testing"
)

// TestTuningSeeds: with Tune.Seeds each grid point trains with that many seeds and scores their mean validation
// Dice; the first seed's runs are the ones a single-seed tuning trains (same names, same cache entries).
func TestTuningSeeds(t *testing.T) {
	backend := goBackend(t)
	cache := t.TempDir()
	config := func(seeds int) Config {
		c := tinyConfig()
		c.Data.CasesPerSite, c.Data.ValFraction = 6, 0.25
		c.Tune = TuneSpec{LearningRates: []float64{1e-3, 1e-2}, Seed: 100, Seeds: seeds}
		return c
	}
	single, err := New(backend, config(0), cache)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := single.Tuned(StudentScratch); err != nil {
		t.Fatal(err)
	}

	var log strings.Builder
	r, err := New(backend, config(2), cache)
	if err != nil {
		t.Fatal(err)
	}
	r.Log = &log
	tuning, err := r.Tuned(StudentScratch)
	if err != nil {
		t.Fatal(err)
	}
	if trained, reloaded := strings.Count(log.String(), "trained in"), strings.Count(log.String(), "reloaded"); trained != 2 || reloaded != 2 {
		t.Errorf("%d runs trained and %d reloaded, want the 2 second-seed runs trained and the first seed's reloaded:\n%s",
			trained, reloaded, log.String())
	}
	for i, setting := range tuning.Candidates {
		var dice [2]float64
		for s := range 2 {
			run, err := r.tuningRun(StudentScratch, i, s, setting)
			if err != nil {
				t.Fatal(err)
			}
			if dice[s], err = r.ValDice(run); err != nil {
				t.Fatal(err)
			}
		}
		if want := (dice[0] + dice[1]) / 2; math.Abs(tuning.ValDice[i]-want) > 1e-12 {
			t.Errorf("candidate %d: validation Dice %g, want the mean %g of its seeds %v", i, tuning.ValDice[i], want, dice)
		}
	}
	bad := config(-1)
	if err := bad.Validate(); err == nil {
		t.Error("Tune.Seeds -1 accepted")
	}
}
