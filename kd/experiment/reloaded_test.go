package experiment

import (
	"regexp"
	"strings"
	"testing"
)

// TestReloadedModelSaysSo checks that a model reloaded from the cache gets one Log line saying so, with how it
// was trained and its cache key, and no "trained in" line (which means a fresh training).
func TestReloadedModelSaysSo(t *testing.T) {
	backend := goBackend(t)
	cache := t.TempDir()
	first, err := New(backend, tinyConfig(), cache)
	if err != nil {
		t.Fatal(err)
	}
	trained, err := first.Teacher()
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	again, err := New(backend, tinyConfig(), cache)
	if err != nil {
		t.Fatal(err)
	}
	again.Log = &log
	reloaded, err := again.Teacher()
	if err != nil {
		t.Fatal(err)
	}
	if !reloaded.Cached || reloaded.Key != trained.Key {
		t.Fatalf("second runner: cached %v, key %q; want %q reloaded", reloaded.Cached, reloaded.Key, trained.Key)
	}
	want := regexp.MustCompile(`^teacher +reloaded from cache \(trained for \S+ to step \d+, key ` +
		regexp.QuoteMeta(trained.Key) + `\) \(\d+ parameters\)\n$`)
	if !want.MatchString(log.String()) {
		t.Errorf("log of a reloaded teacher:\n%q\nwant one line matching %s", log.String(), want)
	}
}
