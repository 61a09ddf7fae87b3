package nbexec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gokd/gokd/datasets/shared"
)

// RelativePaths rewrites the absolute paths into the repository at root, and into the folder that holds it, as
// paths relative to the repository: "/work/main/.pjrt/x.so" becomes ".pjrt/x.so", "/work/main" itself ".", and
// "/work/shared/data" "../shared/data" (the folder above is left alone when it is the filesystem's root). Only
// whole path components are rewritten ("/work/main2" stays). What a notebook shows then carries no trace of the
// machine or folder it ran in.
func RelativePaths(text, root string) string {
	root = filepath.Clean(root)
	if !filepath.IsAbs(root) || root == string(filepath.Separator) {
		return text
	}
	text = replacePath(text, root, ".")
	if parent := filepath.Dir(root); parent != string(filepath.Separator) {
		text = replacePath(text, parent, "..")
	}
	return text
}

// replacePath replaces each occurrence of the absolute path dir that starts and ends at a path boundary: dir
// itself by rel, dir/x by rel/x (x alone when rel is ".").
func replacePath(text, dir, rel string) string {
	var sb strings.Builder
	for {
		i := strings.Index(text, dir)
		if i < 0 {
			sb.WriteString(text)
			return sb.String()
		}
		end := i + len(dir)
		startsPath := i == 0 || !isPathByte(text[i-1])
		endsPath := end == len(text) || text[end] == '/' || !isPathByte(text[end])
		if !startsPath || !endsPath {
			sb.WriteString(text[:end])
			text = text[end:]
			continue
		}
		sb.WriteString(text[:i])
		if rel == "." && end < len(text) && text[end] == '/' {
			end++ // "dir/x" becomes "x".
		} else {
			sb.WriteString(rel)
		}
		text = text[end:]
	}
}

// isPathByte reports whether b can be part of a file name component or separator.
func isPathByte(b byte) bool {
	return b == '/' || b == '.' || b == '_' || b == '-' || b == '+' || b >= '0' && b <= '9' ||
		b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

// relativizeNotebook rewrites the executed notebook file at path with RelativePaths for the repository that holds
// its source, the notebook at source (where it ran). A notebook outside any repository, or one whose repository path
// JSON would escape, is left as it is.
func relativizeNotebook(path, source string) error {
	root, err := shared.RepositoryRoot(filepath.Dir(source))
	if err != nil {
		return nil
	}
	if quoted, err := json.Marshal(root); err != nil || string(quoted) != `"`+root+`"` {
		return nil
	}
	blob, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("nbexec: reading %s: %w", path, err)
	}
	rewritten := RelativePaths(string(blob), root)
	if rewritten == string(blob) {
		return nil
	}
	if err := os.WriteFile(path, []byte(rewritten), 0o644); err != nil {
		return fmt.Errorf("nbexec: writing %s: %w", path, err)
	}
	return nil
}
