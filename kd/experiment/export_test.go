package experiment

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gokd/gokd/kd/deploy"
)

// TestExport exports a student and the teacher of the tiny experiment and loads them back: the stored
// architecture rebuilds the same network, the provenance carries the test Dice the runner measured.
func TestExport(t *testing.T) {
	backend := goBackend(t)
	dir := t.TempDir()
	r, err := New(backend, tinyConfig(), filepath.Join(dir, "cache"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "student.gokd")
	d, err := r.Export(StudentName(StudentScratch, 1), path, false)
	if err != nil {
		t.Fatal(err)
	}
	trained, err := r.Model(StudentName(StudentScratch, 1))
	if err != nil {
		t.Fatal(err)
	}
	eval, err := r.Evaluate(trained)
	if err != nil {
		t.Fatal(err)
	}
	m, err := deploy.Load(backend, path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Role != "student" || m.Name != "student_scratch-s1" || m.Net.Net.String() != trained.Model.Net.String() ||
		m.Provenance.Metrics["test_dice"] != eval.Dice || m.Provenance.Steps != 2 ||
		!strings.Contains(m.Provenance.ConfigHash, trained.Key) || m.Preprocessing.Size != 32 ||
		!strings.Contains(m.Provenance.Notes, "phantom") || d.Name != m.Name || d.Parameters != m.Parameters ||
		d.Parameters == 0 {
		t.Errorf("exported %+v", m.Description)
	}
	if _, err := r.Export(StudentName(StudentScratch, 1), path, false); !errors.Is(err, deploy.ErrOutputExists) {
		t.Errorf("second export without overwrite: %v", err)
	}
	teacher, err := r.Export(TeacherName, filepath.Join(dir, "teacher.gokd"), false)
	if err != nil || teacher.Role != "teacher" {
		t.Errorf("teacher: %+v, %v", teacher, err)
	}
	for _, bad := range []string{"nobody", "student_scratch-sX", "site_teacher-nowhere", "student_unknown-s1"} {
		if _, err := r.Model(bad); err == nil {
			t.Errorf("Model(%q) succeeded", bad)
		}
	}
}
