package tests

import (
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() { extraCmds["bvconfig"] = cmdBVConfig }

// cmdBVConfig copies a config from the corpus in testdata/configs into the
// script's work directory:  bvconfig ctr-run.json bundle/config.json
func cmdBVConfig(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bvconfig NAME DEST")
	}
	data, err := os.ReadFile(filepath.Join("testdata/configs", args[0]))
	ts.Check(err)
	dest := ts.MkAbs(args[1])
	ts.Check(os.MkdirAll(filepath.Dir(dest), 0o755))
	ts.Check(os.WriteFile(dest, data, 0o644))
}
