package volume

import (
	"os"
	"testing"
)

// BenchmarkReadCh2 reads the mricron ch2 template (181×217×181 uint8, gzip). Throughput counts decoded voxel
// bytes (7.1 MB per read).
func BenchmarkReadCh2(b *testing.B) {
	const path = "/usr/share/mricron/templates/ch2.nii.gz"
	if _, err := os.Stat(path); err != nil {
		b.Skipf("%s absent (install mricron-data): %v", path, err)
	}
	b.SetBytes(181 * 217 * 181)
	for b.Loop() {
		if _, err := ReadVolume(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCanonical reorients the ch2 template (RAS → LPS: two flips).
func BenchmarkCanonical(b *testing.B) {
	const path = "/usr/share/mricron/templates/ch2.nii.gz"
	v, err := ReadVolume(path)
	if err != nil {
		b.Skipf("%s unreadable (install mricron-data): %v", path, err)
	}
	b.SetBytes(int64(4 * len(v.Data)))
	for b.Loop() {
		v.Canonical()
	}
}
