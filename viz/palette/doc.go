// Package palette names the colours GoKD's pictures use: the colour-blind-safe Okabe–Ito palette and the role
// each colour plays (ground truth, teacher, student, false positive, false negative), so that every picture and
// chart agrees on them.
package palette
