//go:build !cgo

package backend

// xlaLinked reports whether this binary can load XLA's PJRT plugins: without cgo (a static build) it cannot, and
// only the pure-Go backend is registered.
const xlaLinked = false

// systemPlugins finds nothing: without cgo no plugin can be loaded.
func systemPlugins() map[string]string { return nil }
