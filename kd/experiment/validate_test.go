package experiment

import (
	"strings"
	"testing"
)

// TestValidateRejectsBeforeAnyWork checks that Validate (and so New, before it opens the cache or loads data)
// rejects each invalid field of issue 32's list, with a message that names the field.
func TestValidateRejectsBeforeAnyWork(t *testing.T) {
	for _, c := range []struct {
		name, field string
		edit        func(*Config)
	}{
		{"negative learning rate", "Train.LearningRate", func(c *Config) { c.Train.LearningRate = -1e-3 }},
		{"negative student learning rate", "Train.StudentLearningRate", func(c *Config) { c.Train.StudentLearningRate = -1 }},
		{"misspelt source", "Data.Source", func(c *Config) { c.Data.Source = "phantm" }},
		{"no sites", "Data.Sites", func(c *Config) { c.Data.Sites = 0 }},
		{"one case per site", "Data.CasesPerSite", func(c *Config) { c.Data.CasesPerSite = 1 }},
		{"no slices", "Data.SlicesPerCase", func(c *Config) { c.Data.SlicesPerCase = 0 }},
		{"negative size", "Data.Size", func(c *Config) { c.Data.Size = -32 }},
		{"no batch", "BatchSize", func(c *Config) { c.Train.BatchSize = 0 }},
		{"no seeds", "Seeds", func(c *Config) { c.Seeds = nil }},
		{"zero temperature", "Loss.Temperature", func(c *Config) { c.Loss.Temperature = 0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			config := tinyConfig()
			c.edit(&config)
			err := config.Validate()
			if err == nil || !strings.Contains(err.Error(), c.field) {
				t.Fatalf("Validate: %v, want an error naming %s", err, c.field)
			}
			if _, err := New(nil, config, t.TempDir()); err == nil {
				t.Errorf("New accepted it")
			}
		})
	}
}
