package bundle

import "fmt"

// notes tells the user what the translation did with the image's app
// (appc ISO-G1: which isolators were enforced, which modified, which
// ignored). Warnings go to warn, the rest to info; either may be nil.
type notes struct {
	warn, info func(string)
}

func (n *notes) ignored(name, why string) {
	n.warnf("isolator %s ignored: %s", name, why)
}

func (n *notes) modified(name, why string) {
	n.warnf("isolator %s modified: %s", name, why)
}

func (n *notes) applied(name, as string) {
	if n.info != nil {
		n.info(fmt.Sprintf("isolator %s applied as %s", name, as))
	}
}

func (n *notes) warnf(format string, args ...any) {
	if n.warn != nil {
		n.warn(fmt.Sprintf(format, args...))
	}
}
