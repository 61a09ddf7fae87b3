package experiment

import "testing"

// TestPrecomputeTeachers: with Train.PrecomputeTeachers every distilled kind — the secondary arm's unlabelled
// images included — distils from precomputed teacher outputs, features too, under its own cache key (never a
// key of a student whose teachers ran online).
func TestPrecomputeTeachers(t *testing.T) {
	config := tinyConfig()
	config.Train.PrecomputeTeachers = true
	config.ExtraKinds = []StudentKind{StudentAdaptiveSemiKD}
	r, _ := newRunner(t, config)
	for _, kind := range []StudentKind{StudentSingleKD, StudentMeanKD, StudentAdaptiveKD, StudentAdaptiveSemiKD} {
		student, err := r.Student(kind, 1)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if golden, ok := goldenKeys[kind]; ok && student.Key == golden {
			t.Errorf("%s: precomputed teachers reuse the online student's key %q", kind, golden)
		}
		for _, term := range []string{"kl", "hint", "attention"} {
			if values := student.History.Metrics[term]; len(values) == 0 || !(values[len(values)-1] > 0) {
				t.Errorf("%s: %s term %v, want > 0", kind, term, values)
			}
		}
	}
	for _, kind := range []StudentKind{StudentScratch, StudentScratchAll} {
		student, err := r.Student(kind, 1)
		if err != nil {
			t.Fatal(err)
		}
		if student.Key != goldenKeys[kind] {
			t.Errorf("%s: key %q, want %q: precomputing teachers changed a student without teachers", kind, student.Key, goldenKeys[kind])
		}
	}
}
