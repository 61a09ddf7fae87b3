package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestBackendPrintsTheChoice(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go")
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"backend", "-why"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 || lines[0] != "go" || !strings.Contains(lines[1], "GOMLX_BACKEND") {
		t.Errorf("gokd backend -why printed %q, want \"go\" and a reason naming $GOMLX_BACKEND", stdout.String())
	}
	if code := dispatch([]string{"backend", "extra"}, &stdout, &stderr); code != 2 {
		t.Errorf("gokd backend extra: exit %d, want 2 (usage)", code)
	}
}
