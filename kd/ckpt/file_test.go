package ckpt

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStandaloneFile saves to a named file (no metadata copy beside it), loads it back bitwise, reads its
// metadata alone, and refuses a file that is not a checkpoint.
func TestStandaloneFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "models")
	path := filepath.Join(dir, "student.gokd")
	saved := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(3, 4)))
	meta, err := Metadata{Step: 7}.WithConfig(map[string]string{"format": "gokd-model"})
	if err != nil {
		t.Fatal(err)
	}
	if err := File(path).Metadata(meta).Save(saved); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != "student.gokd" {
		t.Fatalf("directory holds %v (%v), want only student.gokd", entries, err)
	}
	restored := buildStore(t, tinyArchitecture(), nil)
	got, err := File(path).Load(restored)
	if err != nil {
		t.Fatal(err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, saved))
	if got.Step != 7 || !strings.Contains(string(got.Config), "gokd-model") {
		t.Errorf("metadata %+v", got)
	}
	if m, err := File(path).ReadMetadata(); err != nil || m.Step != 7 {
		t.Errorf("ReadMetadata = %+v, %v", m, err)
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, []byte("hello, not a checkpoint at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := File(other).ReadMetadata(); err == nil || !strings.Contains(err.Error(), "not a GoKD checkpoint") {
		t.Errorf("ReadMetadata of a text file: %v", err)
	}
}
