package experiment

import "testing"

// Every identity's name parses back to it, the names are the ones committed caches were keyed by, and names of
// no model are refused.
func TestModelIDNames(t *testing.T) {
	for _, c := range []struct {
		id   ModelID
		name string
	}{
		{TeacherID(), "teacher"},
		{SiteTeacherID("site-A"), "site_teacher-site-A"},
		{SiteTeacherID("random2"), "site_teacher-random2"},
		{StudentID(StudentScratch, 3), "student_scratch-s3"},
		{StudentID(StudentScratchAll, 10), "student_scratch_all-s10"},
		{StudentID(StudentScratchCE, 1), "student_scratch_ce-s1"},
		{StudentID(StudentAdaptiveKD, 0), "student_adaptive_kd"},
		{TuningID(StudentAdaptiveKD, 4, 1), "student_adaptive_kd-tune4"},
		{TuningID(StudentScratchAll, 2, 3), "student_scratch_all-tune2-s3"},
	} {
		if got := c.id.String(); got != c.name {
			t.Errorf("%+v: name %q, want %q", c.id, got, c.name)
		}
		back, err := ParseModelID(c.name)
		if err != nil || back != c.id {
			t.Errorf("ParseModelID(%q) = %+v, %v; want %+v", c.name, back, err, c.id)
		}
	}
	for _, bad := range []string{"", "teachers", "site_teacher-", "student_scratch-s0", "student_scratch-s-1",
		"student_scratch-x1", "student_scratch-tune1-s1", "student_unknown-s1", "student_scratch-s+1"} {
		if id, err := ParseModelID(bad); err == nil {
			t.Errorf("ParseModelID(%q) = %+v, want an error", bad, id)
		}
	}
}
