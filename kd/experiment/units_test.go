package experiment

import (
	"slices"
	"testing"
)

// TestVoxelSizeUnknown: a configuration whose voxel size is unknown reloads the same models (the flag is not in the
// cache keys) and reports distances in voxels, from the evaluation to the table's column.
func TestVoxelSizeUnknown(t *testing.T) {
	backend, cache := goBackend(t), t.TempDir()
	plain, err := New(backend, tinyConfig(), cache)
	if err != nil {
		t.Fatal(err)
	}
	unknown := tinyConfig()
	unknown.Data.VoxelSizeUnknown = true
	voxels, err := New(backend, unknown, cache)
	if err != nil {
		t.Fatal(err)
	}
	s, err := plain.Student(StudentScratch, 1)
	if err != nil {
		t.Fatal(err)
	}
	again, err := voxels.Student(StudentScratch, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.Key != s.Key || s.Key != goldenKeys[StudentScratch] {
		t.Errorf("with VoxelSizeUnknown: key %q (reloaded %v), want %q reloaded", again.Key, again.Cached, s.Key)
	}
	mm, err := plain.Evaluate(s)
	if err != nil {
		t.Fatal(err)
	}
	vox, err := voxels.Evaluate(again)
	if err != nil {
		t.Fatal(err)
	}
	if mm.DistanceUnit != "mm" || vox.DistanceUnit != "voxels" || vox.Dice != mm.Dice {
		t.Errorf("units %q and %q (Dice %v, %v), want mm and voxels with the same Dice", mm.DistanceUnit, vox.DistanceUnit, mm.Dice, vox.Dice)
	}
	for _, c := range []struct {
		eval *Evaluation
		want string
	}{{mm, "HD95 mm (missed)"}, {MeanOverSeeds("scratch", []*Evaluation{vox}), "HD95 voxels (missed)"}} {
		if cols := EvaluationsTable([]*Evaluation{c.eval}).Columns; !slices.Contains(cols, c.want) {
			t.Errorf("%s's table columns %v, want %q", c.eval.DistanceUnit, cols, c.want)
		}
	}
}
