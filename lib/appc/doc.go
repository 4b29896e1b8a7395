// Package appc owns the appc (App Container) image manifest schema, version
// 0.8.11, and its strict validation.
//
// It defines the ImageManifest types and their JSON form, the shared appc
// types (AC Identifier, AC Name, Image ID, os/arch labels, SemVer versions,
// resource quantities), the known isolators and their value shapes, and
// ParseManifest, which decodes a manifest and reports every Problem it finds
// with the path of the field at fault.
//
// Validation follows the spec text, not the laxer reference tool: names are
// checked with the spec's regular expressions, paths must be absolute and
// clean, capability names must exist, and unknown isolators or fields are
// reported as warnings rather than silently dropped.
//
// The package does not read or write archives, compute image IDs, discover
// or fetch images, or do any I/O: callers hand it bytes and get back values
// and problems.
package appc
