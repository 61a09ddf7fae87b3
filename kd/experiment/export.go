package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"time"

	"github.com/gokd/gokd/kd"
	"github.com/gokd/gokd/kd/ckpt"
	"github.com/gokd/gokd/kd/deploy"
)

// Model returns the experiment's model named name, trained or reloaded from the cache: TeacherName,
// SiteTeacherName + "-" + subset (a site, or "random<k>"), or a student StudentName(kind, seed) such as
// "student_single_kd-s1".
func (r *Runner) Model(name string) (*Trained, error) {
	id, err := ParseModelID(name)
	if err != nil {
		return nil, err
	}
	switch id.Role {
	case RoleTeacher:
		return r.Teacher()
	case RoleSiteTeacher:
		d, err := r.Data()
		if err != nil {
			return nil, err
		}
		if i := slices.Index(d.TeacherSubsets, id.Subset); i >= 0 {
			return r.siteTeacher(d, i)
		}
		return nil, fmt.Errorf("experiment: no limit-trained teacher %q (subsets: %v)", id.Subset, d.TeacherSubsets)
	case RoleStudent:
		if kinds := r.Config.Kinds(); id.Seed > 0 && slices.Contains(kinds, id.Kind) {
			return r.Student(id.Kind, id.Seed)
		}
	}
	return nil, fmt.Errorf("experiment: model %q is not one this experiment exports: want %s, %s-<subset> or "+
		"<student kind>-s<seed> with a kind among %v", name, TeacherName, SiteTeacherName, r.Config.Kinds())
}

// Export writes the experiment's model named name (see [Runner.Model]; trained first when the cache lacks it)
// into a self-describing model file at path (package deploy): its weights, architecture, the preprocessing of the
// experiment's data, and its provenance — the cache key of its training run, a hash of the experiment's
// configuration, the data, and its scores on the test set (evaluated now when not cached). An existing path is
// refused unless overwrite is set. It returns the description written.
func (r *Runner) Export(name, path string, overwrite bool) (*deploy.Description, error) {
	if _, err := os.Lstat(path); err == nil && !overwrite {
		return nil, fmt.Errorf("experiment: exporting %s: %s: %w", name, path, deploy.ErrOutputExists)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("experiment: exporting %s: %w", name, err)
	}
	t, err := r.Model(name)
	if err != nil {
		return nil, err
	}
	eval, err := r.Evaluate(t)
	if err != nil {
		return nil, err
	}
	config, err := json.Marshal(r.Config)
	if err != nil {
		return nil, fmt.Errorf("experiment: exporting %s: %w", name, err)
	}
	configHash := sha256.Sum256(config)
	role := "student"
	if id, _ := ParseModelID(name); id.Role == RoleTeacher || id.Role == RoleSiteTeacher {
		role = "teacher"
	}
	steps := 0
	if n := len(t.History.Steps); n > 0 {
		steps = t.History.Steps[n-1]
	}
	d := deploy.Description{Name: t.Name, Role: role, Preprocessing: deploy.DefaultPreprocessing(r.Config.Data.Size),
		Provenance: deploy.Provenance{
			ConfigHash: "sha256:" + hex.EncodeToString(configHash[:]) + " run:" + t.Key, Data: describeData(r.Config.Data),
			Steps: steps, Backend: r.Backend.Name(), GoKD: kd.Version, Exported: time.Now().UTC().Format(time.RFC3339),
			Metrics: ckpt.Metrics{"test_dice": eval.Dice, "test_dice_std": eval.DiceStd, "test_hd95_mm": eval.HD95MM,
				"ms_per_slice": eval.MsPerSlice}}}
	if src := r.Config.Data.Source; src == "" || src == SourcePhantom {
		d.Provenance.Notes = "trained on the synthetic phantom: real MRI is outside its training distribution"
	}
	d = deploy.Describe(t.Model, d)
	if err := deploy.Save(path, t.Model, d); err != nil {
		return nil, fmt.Errorf("experiment: exporting %s: %w", name, err)
	}
	return &d, nil
}

// describeData says in words what data a configuration trains on.
func describeData(c DataConfig) string {
	switch c.Source {
	case "", SourcePhantom:
		return fmt.Sprintf("synthetic phantom: %d sites × %d cases × %d slices at %d², seed %d", c.Sites,
			c.CasesPerSite, c.SlicesPerCase, c.Size, c.Seed)
	case SourceFolder:
		return fmt.Sprintf("multi-site prostate MRI from %s at %d²", dataFolderName(c), c.Size)
	case SourcePair:
		return fmt.Sprintf("one prostate MRI case, %s with %s, at %d² (test: held-out slices)", c.Path, c.MaskPath,
			c.Size)
	}
	return string(c.Source)
}
