package experiment

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Role is what a model of an experiment is for.
type Role string

// Roles of an experiment's models.
const (
	RoleTeacher     Role = "teacher"      // The well-trained teacher, on all training data.
	RoleSiteTeacher Role = "site_teacher" // A limit-trained teacher, on one subset (a site, a random subset, a slab).
	RoleStudent     Role = "student"      // A student of some kind, trained with a seed.
	RoleTuning      Role = "tuning"       // One run of a student kind's tuning grid.
)

// Names of the experiment's teachers (ModelID.String).
const (
	TeacherName     = string(RoleTeacher)     // The well-trained teacher: all training data.
	SiteTeacherName = string(RoleSiteTeacher) // A limit-trained teacher: SiteTeacherName + "-" + its subset.
)

// ModelID identifies a model of an experiment. Its String is the model's name — in tables, logs and the models'
// cache keys — and ParseModelID reads a name back: no other code formats or parses model names.
type ModelID struct {
	Role Role
	// Subset is a limit-trained teacher's training subset (RoleSiteTeacher): a site, "random<k>" or "slab<k>".
	Subset string `json:",omitempty"`
	// Kind is a student's or a tuning run's student kind.
	Kind StudentKind `json:",omitempty"`
	// Seed is a student's seed (RoleStudent), or a tuning run's seed number, 1 for the first (RoleTuning).
	Seed int64 `json:",omitempty"`
	// Candidate numbers a tuning run's setting in its kind's grid, from 1 (RoleTuning).
	Candidate int `json:",omitempty"`
}

// TeacherID identifies the well-trained teacher.
func TeacherID() ModelID { return ModelID{Role: RoleTeacher} }

// SiteTeacherID identifies the limit-trained teacher of a subset.
func SiteTeacherID(subset string) ModelID { return ModelID{Role: RoleSiteTeacher, Subset: subset} }

// StudentID identifies the student of a kind trained with a seed.
func StudentID(kind StudentKind, seed int64) ModelID {
	return ModelID{Role: RoleStudent, Kind: kind, Seed: seed}
}

// TuningID identifies the tuning run of a kind's candidate (from 1) with its seed number (from 1).
func TuningID(kind StudentKind, candidate, seed int) ModelID {
	return ModelID{Role: RoleTuning, Kind: kind, Candidate: candidate, Seed: int64(seed)}
}

// String is the model's name: "teacher", "site_teacher-<subset>", "<kind>-s<seed>" ("<kind>" with Seed 0: the
// kind over its seeds), or "<kind>-tune<candidate>" (with "-s<seed>" from the second tuning seed on).
func (id ModelID) String() string {
	switch id.Role {
	case RoleTeacher:
		return TeacherName
	case RoleSiteTeacher:
		return SiteTeacherName + "-" + id.Subset
	case RoleStudent:
		if id.Seed == 0 { // A kind over its seeds.
			return string(id.Kind)
		}
		return fmt.Sprintf("%s-s%d", id.Kind, id.Seed)
	case RoleTuning:
		name := fmt.Sprintf("%s-tune%d", id.Kind, id.Candidate)
		if id.Seed > 1 {
			name += fmt.Sprintf("-s%d", id.Seed)
		}
		return name
	}
	return fmt.Sprintf("unknown-%s", id.Role)
}

// ParseModelID reads a model name (ModelID.String) back. A student kind's name without a seed
// ("student_adaptive_kd", a row of the tables that averages its seeds) parses as RoleStudent with Seed 0.
func ParseModelID(name string) (ModelID, error) {
	switch {
	case name == TeacherName:
		return TeacherID(), nil
	case strings.HasPrefix(name, SiteTeacherName+"-") && len(name) > len(SiteTeacherName)+1:
		return SiteTeacherID(strings.TrimPrefix(name, SiteTeacherName+"-")), nil
	}
	// The longest kind that prefixes the name: student_scratch_all-s1 is not a student_scratch.
	kinds := knownKinds()
	slices.SortFunc(kinds, func(a, b StudentKind) int { return len(b) - len(a) })
	for _, kind := range kinds {
		if name == string(kind) {
			return StudentID(kind, 0), nil
		}
		rest, ok := strings.CutPrefix(name, string(kind)+"-")
		if !ok {
			continue
		}
		if seed, ok := number(rest, "s"); ok {
			return StudentID(kind, seed), nil
		}
		candidate, seedText, _ := strings.Cut(rest, "-")
		if c, ok := number(candidate, "tune"); ok {
			seed := int64(1)
			if seedText != "" {
				if seed, ok = number(seedText, "s"); !ok || seed < 2 {
					break
				}
			}
			return TuningID(kind, int(c), int(seed)), nil
		}
		break
	}
	return ModelID{}, fmt.Errorf("experiment: unknown model %q: want %s, %s-<subset>, <student kind>-s<seed> or "+
		"<student kind>-tune<n>[-s<seed>], with a kind among %v", name, TeacherName, SiteTeacherName, knownKinds())
}

// number reads a positive number after prefix in text.
func number(text, prefix string) (int64, bool) {
	digits, ok := strings.CutPrefix(text, prefix)
	if !ok || digits == "" || strings.HasPrefix(digits, "+") {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil && n > 0
}
