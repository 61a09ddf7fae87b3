package experiment

import (
	"fmt"
	"time"
)

// reloadedLine is what Runner.Log says of a model reloaded from the cache: how it was trained (its training's
// wall time and last step) and its cache entry, so that a reused model is never mistaken for a fresh one.
func reloadedLine(t *Trained) string {
	trained := fmt.Sprintf("trained for %s", t.History.Wall.Round(time.Second))
	if n := len(t.History.Steps); n > 0 {
		trained += fmt.Sprintf(" to step %d", t.History.Steps[n-1])
	}
	return fmt.Sprintf("reloaded from cache (%s, key %s)", trained, t.Key)
}
