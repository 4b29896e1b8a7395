package bundle

// Placeholder so go.mod keeps runtime-spec until the package's code imports
// it; delete this file once it does.
import _ "github.com/opencontainers/runtime-spec/specs-go"
