package shared

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// RealCaseName is the folder of the real prostate case (a PROMISE12 T2 case and its segmentation).
const RealCaseName = "prostate-case00"

// RepositoryRoot returns the root of the checkout that contains from (any folder inside it): the nearest folder at
// or above from that holds a go.mod.
func RepositoryRoot(from string) (string, error) {
	dir, err := filepath.Abs(from)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no repository root (go.mod) above %s", from)
		}
		dir = parent
	}
}

// DataDir returns the shared data folder beside the repository that contains from (any folder inside the
// checkout): it walks up to go.mod (RepositoryRoot) and looks for ../shared/data, then for shared/data beside each
// folder above.
func DataDir(from string) (string, error) {
	dir, err := RepositoryRoot(from)
	if err != nil {
		return "", err
	}
	// The data live beside the checkout, or beside a folder above it (a worktree in a subfolder of the team's
	// workspace): the nearest shared/data wins.
	var tried []string
	for parent := filepath.Dir(dir); ; parent = filepath.Dir(parent) {
		data := filepath.Join(parent, "shared", "data")
		if _, err := os.Stat(data); err == nil {
			return data, nil
		}
		tried = append(tried, data)
		if filepath.Dir(parent) == parent {
			break
		}
	}
	return "", fmt.Errorf("shared data absent: none of %v exists (it lives next to the repository on the team's machines)",
		tried)
}

// RealCase returns the image and segmentation files of the real prostate case, or an error saying why they are
// not available.
func RealCase(from string) (image, mask string, err error) {
	data, err := DataDir(from)
	if err != nil {
		return "", "", err
	}
	dir := filepath.Join(data, RealCaseName)
	image, mask = filepath.Join(dir, "Case00.nii.gz"), filepath.Join(dir, "Case00_segmentation.nii.gz")
	for _, f := range []string{image, mask} {
		if _, err := os.Stat(f); err != nil {
			return "", "", errors.Join(fmt.Errorf("real case incomplete in %s", dir), err)
		}
	}
	return image, mask, nil
}

// Promise12Name is the folder of the team's multi-site PROMISE12 cases: one folder per inferred site (site-A …
// site-D), each with CaseXX.nii.gz and CaseXX_segmentation.nii.gz.
const Promise12Name = "promise12"

// Promise12 returns the folder of the team's multi-site PROMISE12 cases, or an error saying why it is not
// available.
func Promise12(from string) (string, error) {
	data, err := DataDir(from)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(data, Promise12Name)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return "", fmt.Errorf("PROMISE12 folder %s absent", dir)
	}
	return dir, nil
}
