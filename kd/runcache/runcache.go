package runcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// configFile holds the configuration that keyed an entry, for people reading the cache folder; its presence
// also marks the entry as complete, since it is written last, just before the entry is published.
const configFile = "config.json"

// Cache is a folder of entries, one sub-folder per (kind, configuration). Several processes, on one machine or
// on several sharing the folder over a network file system, may use it at once (see Get).
type Cache struct {
	Dir string

	heartbeat, staleAfter time.Duration // Of the per-key lock (WithLockTiming); 0: the defaults.
}

// Open returns the cache in dir, creating the folder if needed, and removes the build folders that builds
// interrupted by the death of their process left behind.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("runcache: creating cache folder %q: %w", dir, err)
	}
	if err := removeStaleBuilds(dir); err != nil {
		return nil, err
	}
	return &Cache{Dir: dir}, nil
}

var validKind = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Key returns the entry name for a kind (e.g. "teacher") and a configuration: the kind, then the first 16 hex
// digits of the SHA-256 of the configuration's JSON encoding. Configurations must encode deterministically
// (structs and maps do in encoding/json).
func Key(kind string, config any) (string, error) {
	if !validKind.MatchString(kind) {
		return "", fmt.Errorf("runcache: kind %q must be letters, digits, '.', '_' or '-'", kind)
	}
	blob, err := json.Marshal(config)
	if err != nil {
		return "", fmt.Errorf("runcache: encoding the %s configuration: %w", kind, err)
	}
	sum := sha256.Sum256(blob)
	return kind + "-" + hex.EncodeToString(sum[:8]), nil
}

// Path returns the folder of the entry for (kind, config), whether or not it exists yet.
func (c *Cache) Path(kind string, config any) (string, error) {
	key, err := Key(kind, config)
	if err != nil {
		return "", err
	}
	return filepath.Join(c.Dir, key), nil
}

// Has reports whether a complete entry exists for (kind, config).
func (c *Cache) Has(kind string, config any) bool {
	dir, err := c.Path(kind, config)
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(dir, configFile))
	return err == nil
}

// Get returns the folder of the entry for (kind, config), calling build to create it when it is missing.
// hit tells whether the entry was already there, or built meanwhile by another worker.
//
// build writes its files into the folder it is given, a temporary one: only when build returns nil is the folder
// published under its final name, so a failed build leaves nothing behind, and the next Open removes what a
// build interrupted with its process left. A per-key lock file (<key>.lock) makes sure that two workers sharing
// the cache never build the same entry at once: the second waits for the first's entry, or takes the lock over
// when its holder is gone (a process of this host that died, or a lock untouched for the stale delay:
// WithLockTiming).
func (c *Cache) Get(kind string, config any, build func(dir string) error) (dir string, hit bool, err error) {
	dir, err = c.Path(kind, config)
	if err != nil {
		return "", false, err
	}
	if c.Has(kind, config) {
		return dir, true, nil
	}
	lock, err := c.lockOrWait(filepath.Base(dir), func() bool { return c.Has(kind, config) })
	if err != nil {
		return "", false, err
	}
	if lock == nil { // Built by another worker meanwhile.
		return dir, true, nil
	}
	defer lock.release()
	if c.Has(kind, config) { // Published between the check and the lock.
		return dir, true, nil
	}
	return dir, false, c.build(dir, config, lock, build)
}

// build runs build into a temporary folder and publishes it as dir, holding lock.
func (c *Cache) build(dir string, config any, lock *heldLock, build func(dir string) error) error {
	tmp, err := os.MkdirTemp(c.Dir, buildPattern(filepath.Base(dir)))
	if err != nil {
		return fmt.Errorf("runcache: creating a build folder in %q: %w", c.Dir, err)
	}
	defer os.RemoveAll(tmp) // No-op once renamed.
	if err := build(tmp); err != nil {
		return fmt.Errorf("runcache: building %s: %w", filepath.Base(dir), err)
	}
	if err := WriteJSON(filepath.Join(tmp, configFile), config); err != nil {
		return err
	}
	if lock.isLost() {
		return fmt.Errorf("runcache: publishing %s: %w", filepath.Base(dir), ErrLockLost)
	}
	// A stale, incomplete folder under the final name (from an older layout or a manual copy) is replaced.
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("runcache: removing stale entry %q: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("runcache: publishing entry %q: %w", dir, err)
	}
	return nil
}

// GetJSON returns the value stored for (kind, config), computing and storing it with compute when missing.
// It suits results that are cheap to keep but expensive to compute, such as an evaluation table.
func GetJSON[T any](c *Cache, kind string, config any, compute func() (T, error)) (value T, hit bool, err error) {
	const valueFile = "value.json"
	dir, hit, err := c.Get(kind, config, func(dir string) error {
		v, err := compute()
		if err != nil {
			return err
		}
		return WriteJSON(filepath.Join(dir, valueFile), v)
	})
	if err != nil {
		return value, false, err
	}
	err = ReadJSON(filepath.Join(dir, valueFile), &value)
	return value, hit, err
}

// WriteJSON writes v as indented JSON to path atomically (temporary file in the same folder, then rename).
func WriteJSON(path string, v any) error {
	blob, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding JSON for %q: %w", path, err)
	}
	return WriteFileAtomic(path, append(blob, '\n'))
}

// ReadJSON decodes the JSON file at path into v.
func ReadJSON(path string, v any) error {
	blob, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(blob, v); err != nil {
		return fmt.Errorf("decoding JSON in %q: %w", path, err)
	}
	return nil
}

// WriteFileAtomic writes data to path through a temporary file in the same folder and a rename, so readers see
// either the old content or the new one, never a partial file.
func WriteFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("writing %q: %w", path, err)
	}
	return nil
}
