package deploy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/nets"
)

// modelFileBytes returns the bytes of a tiny model file, and the same file as format version 1 wrote it (no
// checksum after the header, version 1 in both the checkpoint and the description), whose header a fuzzer can
// change freely.
func modelFileBytes(t testing.TB) (current, version1 []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiny.gokd")
	if err := Save(path, tinyModel(t, goBackend(t), 1), Description{Preprocessing: DefaultPreprocessing(32)}); err != nil {
		t.Fatal(err)
	}
	current, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const magicLen = len("GoKD checkpoint\n")
	end := magicLen + 8 + int(binary.LittleEndian.Uint64(current[magicLen:]))
	version1 = append(bytes.Clone(current[:end]), current[end+4:]...)
	version1 = bytes.Replace(version1, []byte(`"version":2`), []byte(`"version":1`), -1)
	return current, version1
}

// FuzzReadModel feeds arbitrary bytes to the model file reader — the checkpoint header and its checksum, the
// description in it, the weights' checksums — as gokd info reads a file (Verify, from memory here: a file per
// input would make the fuzzer's minimisation crawl): it must return an error or a description that rebuilds a
// network configuration and a loader, never panic or allocate without bound. The seeds are a tiny model file of
// this build and of format version 1, and half of one. The seeds are kilobytes long, so the fuzzer spends most
// of a short run minimising the first inputs it finds interesting: add -fuzzminimizetime 200x for throughput.
func FuzzReadModel(f *testing.F) {
	current, version1 := modelFileBytes(f)
	f.Add(current)
	f.Add(version1)
	f.Add(current[:len(current)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		meta, err := ckpt.VerifyReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		d, err := decodeDescription("fuzz.gokd", meta)
		if err != nil {
			if !errors.Is(err, ErrNotModel) && !strings.Contains(err.Error(), "format version") {
				t.Fatalf("error neither ErrNotModel nor a version's: %v", err)
			}
			return
		}
		if d.Version < FormatVersion && d.FormatWarning() == "" {
			t.Fatalf("version %d read without a warning", d.Version)
		}
		if _, err := nets.FromArchitecture(d.Architecture); err == nil {
			_, _ = d.Preprocessing.Loader() // Must not panic.
		}
	})
}

// TestModelFileVersion1 reads the version 1 seed of FuzzReadModel: a model file exported before the header had
// a checksum loads, with a warning.
func TestModelFileVersion1(t *testing.T) {
	_, version1 := modelFileBytes(t)
	path := filepath.Join(t.TempDir(), "old.gokd")
	if err := os.WriteFile(path, version1, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Load(goBackend(t), path)
	if err != nil || m.Version != 1 || m.FormatWarning() == "" {
		t.Fatalf("version 1 file: %v", err)
	}
}
