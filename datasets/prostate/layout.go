package prostate

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// SiteNames are the six sites of the multi-site prostate T2 dataset of Liu et al. (SAML / MS-Net), in the order
// of the paper, which is also the order of their folders.
var SiteNames = []string{"BIDMC", "HK", "I2CVB", "ISBI", "ISBI_1.5", "UCL"}

// SiteCaseCounts is the number of cases each site of the multi-site dataset holds (116 in all).
var SiteCaseCounts = map[string]int{"BIDMC": 12, "HK": 12, "I2CVB": 19, "ISBI": 30, "ISBI_1.5": 30, "UCL": 13}

// DecathlonSite is the site name given to cases of the Medical Segmentation Decathlon Task05_Prostate layout.
const DecathlonSite = "Decathlon"

// decathlonTrainingCases is the number of labelled cases of Task05_Prostate.
const decathlonTrainingCases = 32

// CaseFiles locates one case on disk: its image and its segmentation.
type CaseFiles struct {
	Site, Case  string
	Image, Mask string
}

// multiSiteFile matches the file names of the multi-site dataset, whose capitalisation varies between sites
// ("Case00.nii.gz", "case00_segmentation.nii.gz", "Case00_Segmentation.nii.gz").
var multiSiteFile = regexp.MustCompile(`(?i)^(case\d+)(_segmentation)?\.(nii|nii\.gz|mha|mhd)$`)

const layoutHelp = "expected either a multi-site layout (<root>/<site>/CaseXX.nii.gz with CaseXX_segmentation.nii.gz, " +
	"one folder per site, e.g. Liu et al.'s BIDMC, HK, I2CVB, ISBI, ISBI_1.5, UCL or PROMISE12's site-A … site-D) or " +
	"the Decathlon Task05_Prostate layout (<root>/imagesTr and <root>/labelsTr)"

// FindCases lists the cases under root, which holds either a multi-site dataset (one folder per site) or the
// Decathlon Task05_Prostate layout (imagesTr/labelsTr, possibly inside a Task05_Prostate folder). sites restricts
// the multi-site layout to the given site folders (default: every site folder, see [DiscoverSites]). With requireAll, a site (or the Decathlon set) with
// fewer cases than the published dataset is an error, which catches incomplete downloads. Images without
// segmentation, and segmentations without image, are always errors.
func FindCases(root string, sites []string, requireAll bool) ([]CaseFiles, error) {
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("prostate: dataset folder %s not found: %s", root, layoutHelp)
	}
	for _, dir := range []string{root, filepath.Join(root, "Task05_Prostate")} {
		if isDir(filepath.Join(dir, "imagesTr")) {
			return findDecathlon(dir, requireAll)
		}
	}
	if len(sites) == 0 {
		var err error
		if sites, err = DiscoverSites(root); err != nil {
			return nil, err
		}
		if missing := missingKnownSites(sites); requireAll && len(missing) > 0 {
			return nil, fmt.Errorf("prostate: dataset folder %s holds %s of Liu et al.'s six sites but not %s: an "+
				"incomplete download? Load the ones present with Sites(...) or RequireAllCases(false)", root,
				strings.Join(sites, ", "), strings.Join(missing, ", "))
		}
	}
	var cases []CaseFiles
	for _, site := range sites {
		siteCases, err := findSite(root, site, requireAll)
		if err != nil {
			return nil, err
		}
		cases = append(cases, siteCases...)
	}
	return cases, nil
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// findSite lists one site folder of the multi-site dataset, pairing images and segmentations by case name.
func findSite(root, site string, requireAll bool) ([]CaseFiles, error) {
	dir := filepath.Join(root, site)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("prostate: site folder %s missing (%v): %s", dir, err, layoutHelp)
	}
	images, masks := make(map[string]string), make(map[string]string)
	for _, entry := range entries {
		match := multiSiteFile.FindStringSubmatch(entry.Name())
		if match == nil || entry.IsDir() {
			continue
		}
		name := strings.ToUpper(match[1][:1]) + strings.ToLower(match[1][1:]) // "Case00" whatever the source.
		if match[2] != "" {
			masks[name] = filepath.Join(dir, entry.Name())
		} else {
			images[name] = filepath.Join(dir, entry.Name())
		}
	}
	return pairCases(site, dir, images, masks, SiteCaseCounts[site], requireAll,
		"CaseXX.nii.gz with CaseXX_segmentation.nii.gz")
}

// findDecathlon lists the labelled cases of the Decathlon layout: imagesTr/prostate_XX.nii.gz with
// labelsTr/prostate_XX.nii.gz. macOS metadata files ("._prostate_00.nii.gz"), shipped in the official archive,
// are skipped.
func findDecathlon(dir string, requireAll bool) ([]CaseFiles, error) {
	list := func(sub string) (map[string]string, error) {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return nil, fmt.Errorf("prostate: Decathlon folder %s: %w", filepath.Join(dir, sub), err)
		}
		files := make(map[string]string)
		for _, entry := range entries {
			name := entry.Name()
			if entry.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".nii.gz") {
				continue
			}
			files[strings.TrimSuffix(name, ".nii.gz")] = filepath.Join(dir, sub, name)
		}
		return files, nil
	}
	images, err := list("imagesTr")
	if err != nil {
		return nil, err
	}
	masks, err := list("labelsTr")
	if err != nil {
		return nil, err
	}
	return pairCases(DecathlonSite, dir, images, masks, decathlonTrainingCases, requireAll,
		"imagesTr/prostate_XX.nii.gz with labelsTr/prostate_XX.nii.gz")
}

// pairCases matches images with masks by case name and checks the folder is complete.
func pairCases(site, dir string, images, masks map[string]string, expected int, requireAll bool,
	pattern string) ([]CaseFiles, error) {
	var unpaired []string
	for name, path := range images {
		if _, ok := masks[name]; !ok {
			unpaired = append(unpaired, "image without segmentation: "+path)
		}
	}
	for name, path := range masks {
		if _, ok := images[name]; !ok {
			unpaired = append(unpaired, "segmentation without image: "+path)
		}
	}
	if len(unpaired) > 0 {
		slices.Sort(unpaired)
		return nil, fmt.Errorf("prostate: site %s in %s is incomplete (want %s): %s", site, dir, pattern,
			strings.Join(unpaired, "; "))
	}
	if len(images) == 0 || requireAll && len(images) < expected {
		return nil, fmt.Errorf("prostate: site %s in %s has %d cases, want %d (%s); load a subset with "+
			"RequireAllCases(false)", site, dir, len(images), expected, pattern)
	}
	names := make([]string, 0, len(images))
	for name := range images {
		names = append(names, name)
	}
	slices.Sort(names)
	cases := make([]CaseFiles, len(names))
	for i, name := range names {
		cases[i] = CaseFiles{Site: site, Case: name, Image: images[name], Mask: masks[name]}
	}
	return cases, nil
}

// DiscoverSites lists the site folders of a multi-site layout under root, sorted by name: every sub-folder that
// holds at least one case image (CaseXX.nii.gz and the like). When root holds all six folders of Liu et al.'s
// dataset, they come in SiteNames order. It fails, naming the folders it did find, when none holds a case.
func DiscoverSites(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("prostate: dataset folder %s: %w", root, err)
	}
	var sites, others []string
	for _, entry := range entries {
		if !entry.IsDir() || strings.HasPrefix(entry.Name(), ".") {
			continue
		}
		if holdsCases(filepath.Join(root, entry.Name())) {
			sites = append(sites, entry.Name())
		} else {
			others = append(others, entry.Name())
		}
	}
	if len(sites) == 0 {
		found := "no sub-folders"
		if len(others) > 0 {
			found = fmt.Sprintf("sub-folders without case files: %s", strings.Join(others, ", "))
		}
		return nil, fmt.Errorf("prostate: dataset folder %s holds no site folder with cases (%s): %s; name the site "+
			"folders with Loader.Sites (Data.SiteFolders in an experiment)", root, found, layoutHelp)
	}
	if all := slices.Clone(SiteNames); len(sites) == len(all) && containsAll(sites, all) {
		return all, nil
	}
	return sites, nil
}

// holdsCases reports whether dir holds at least one case image of the multi-site naming.
func holdsCases(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, entry := range entries {
		if match := multiSiteFile.FindStringSubmatch(entry.Name()); match != nil && match[2] == "" && !entry.IsDir() {
			return true
		}
	}
	return false
}

// missingKnownSites lists the sites of Liu et al.'s dataset (SiteNames) missing from sites when sites holds some
// of them; none when it holds all or none of them.
func missingKnownSites(sites []string) []string {
	var missing []string
	for _, name := range SiteNames {
		if !slices.Contains(sites, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) == len(SiteNames) {
		return nil
	}
	return missing
}

// containsAll reports whether every one of want is in have.
func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
