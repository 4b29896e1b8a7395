package tests

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/intermodal/intermodal"

type pkg struct {
	ImportPath string
	Imports    []string
}

// TestImportGraph keeps the arrows pointing down (ARCHITECTURE.md): tools
// import libraries, libraries never import tools, and lib/cli is imported
// only by tools; lib/testenv only by tests.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		checkImports(t, p)
	}
}

func checkImports(t *testing.T, p pkg) {
	isLib := strings.HasPrefix(p.ImportPath, module+"/lib/")
	for _, imp := range p.Imports {
		switch {
		case isLib && strings.HasPrefix(imp, module+"/tools/"):
			t.Errorf("%s imports the tool %s", p.ImportPath, imp)
		case imp == module+"/lib/testenv":
			t.Errorf("%s imports lib/testenv outside its tests", p.ImportPath)
		case isLib && imp == module+"/lib/cli":
			t.Errorf("%s imports lib/cli, which only tools may use", p.ImportPath)
		}
	}
}
