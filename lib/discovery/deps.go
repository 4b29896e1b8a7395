package discovery

// Placeholder so go.mod keeps x/net until the package's code imports it;
// delete this file once it does.
import _ "golang.org/x/net/html"
