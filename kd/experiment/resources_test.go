package experiment

import (
	"strings"
	"testing"
)

// TestValidateResources: absurd sizes are refused by Validate with the field and the memory estimate (before,
// the Go runtime died of a fatal out-of-memory, exit 2), and so are the values that used to fail only at graph
// compilation, after the teachers had trained.
func TestValidateResources(t *testing.T) {
	for _, base := range []Config{Default(), Protocol()} {
		if err := base.Validate(); err != nil {
			t.Fatalf("the embedded configuration is refused: %v", err)
		}
	}
	for _, c := range []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"huge size", func(c *Config) { c.Data.Size = 100000 }, []string{"Data.Size 100000", "GiB"}},
		{"many sites", func(c *Config) { c.Data.Sites = 1000000 }, []string{"Data.Sites", "1000000", "GiB"}},
		{"huge batch", func(c *Config) { c.Train.BatchSize = 100000000 }, []string{"Train.BatchSize 100000000", "GiB"}},
		{"zero temperature", func(c *Config) { c.Loss.Temperature = 0 }, []string{"Loss.Temperature 0"}},
		{"negative learning rate", func(c *Config) { c.Train.LearningRate = -1 }, []string{"Train.LearningRate -1"}},
		{"zero student learning rate", func(c *Config) { c.Train.StudentLearningRate = 0 },
			[]string{"Train.StudentLearningRate 0"}},
		{"negative tuned temperature", func(c *Config) { c.Tune.Temperatures, c.Data.ValFraction = []float64{1, -2}, 0.2 },
			[]string{"Tune.Temperatures -2"}},
		{"negative KL weight", func(c *Config) { c.Loss.KL = -1 }, []string{"Loss.KL -1"}},
		{"no phantom sites", func(c *Config) { c.Data.Sites = 0 }, []string{"Data.Sites"}},
	} {
		config := Default()
		c.change(&config)
		err := config.Validate()
		for _, want := range c.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want an error with %q", c.name, err, want)
				break
			}
		}
	}
}
