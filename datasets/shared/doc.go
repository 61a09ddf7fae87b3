// Package shared finds the team's shared data beside a GoKD checkout: the folder "shared/data" next to the
// repository root, which holds a real prostate MRI case for tests and demos. The data is never part of the
// repository, so callers skip (tests) or say so (notebooks) when it is absent.
package shared
