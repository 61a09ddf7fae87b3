package ckpt

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHeaderChecksum flips one bit of the JSON header (a metadata value, as a model file's preprocessing is):
// the file is refused. Before version 2 the header had no checksum and the changed value loaded silently.
// Verify finds a flipped weight that ReadMetadata, which reads the header alone, cannot; version 1 files, whose
// header has no checksum, still load.
func TestHeaderChecksum(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.gokd")
	saved := buildStore(t, tinyArchitecture(), rand.New(rand.NewPCG(21, 22)))
	meta, err := Metadata{Step: 1}.WithConfig(map[string]float64{"clip_high_percentile": 99})
	if err != nil {
		t.Fatal(err)
	}
	if err := File(path).Metadata(meta).Save(saved); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := File(path).Verify(); err != nil {
		t.Fatalf("Verify of a sound file: %v", err)
	}
	at := bytes.Index(good, []byte(`"clip_high_percentile":99`)) + len(`"clip_high_percentile":9`)
	header := bytes.Clone(good)
	header[at] ^= 0x01 // 99 → 98.
	weights := bytes.Clone(good)
	weights[len(weights)-3] ^= 0x40
	for _, c := range []struct {
		name     string
		contents []byte
		read     func() error
		want     string
	}{
		{"header bit, Load", header, func() error { _, err := File(path).Load(buildStore(t, tinyArchitecture(), nil)); return err },
			"CRC-32 does not match"},
		{"header bit, ReadMetadata", header, func() error { _, err := File(path).ReadMetadata(); return err },
			"CRC-32 does not match"},
		{"weight bit, Verify", weights, func() error { _, err := File(path).Verify(); return err }, "corrupt: CRC-32"},
	} {
		if err := os.WriteFile(path, c.contents, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := c.read(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error mentioning %q", c.name, err, c.want)
		}
	}

	// The same file as version 1 wrote it: no checksum after the header.
	headerLen := binary.LittleEndian.Uint64(good[len(magic):])
	end := len(magic) + 8 + int(headerLen)
	v1 := append(bytes.Clone(good[:end]), good[end+headerCRCSize:]...)
	v1 = bytes.Replace(v1, []byte(`"version":2`), []byte(`"version":1`), 1)
	if err := os.WriteFile(path, v1, 0o644); err != nil {
		t.Fatal(err)
	}
	restored := buildStore(t, tinyArchitecture(), nil)
	if _, err := File(path).Load(restored); err != nil {
		t.Fatalf("version 1 file: %v", err)
	}
	assertSameBytes(t, storeBytes(t, restored), storeBytes(t, saved))
}
