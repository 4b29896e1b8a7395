// Command hello is the sample app of make demo: a tiny static program that
// becomes the whole rootfs of the demo image.
package main

import (
	"fmt"
	"os"
)

func main() {
	name, _ := os.Hostname()
	fmt.Printf("hello from an intermodal image (app %s, host %s)\n", os.Getenv("AC_APP_NAME"), name)
}
