// Package discovery owns appc meta discovery (appc spec 0.8.11, discovery.md):
// turning an image name and labels such as "example.com/app:1.0,os=linux"
// into the URLs of the image, its detached signature and the publisher's
// public keys.
//
// Discovery fetches https://NAME?ac-discovery=1, reads the ac-discovery and
// ac-discovery-pubkeys meta tags of the HTML page, keeps the tags whose
// prefix matches the name by whole path components (example.com/etc never
// matches example.com/etcd, unlike the reference code), and renders the
// templates with the labels. When a level gives nothing usable (an HTTP
// error, a network failure, no matching tag, no template that renders) it
// walks up the name's path: example.com/a/b, then example.com/a, then
// example.com. Each page is fetched once and serves both the image and the
// key lookup; images come from the first level with a template that renders,
// keys from the first level with a matching pubkeys tag.
//
// It is HTTPS only unless Options.InsecureHTTP asks for plain HTTP too; pages
// are capped in size and in time; every URL tried and why it failed is kept
// in the Error. The JSON form of a Result is the contract between
// aci-discover and aci-fetch.
//
// The package does not download images, signatures or keys, check
// signatures or manifests, or keep any state: that is lib/fetch and
// lib/trust.
package discovery
