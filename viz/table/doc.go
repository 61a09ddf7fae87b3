// Package table holds results as a small generic table (named columns, rows of strings and numbers) and renders
// it as HTML or aligned plain text, numbers formatted per column.
package table
